#pragma once
// WGS84 longitude/latitude to British National Grid (EPSG:27700) eastings and northings.
//
// Accuracy: a single seven-parameter Helmert shift from WGS84 (taken as ETRS89) to OSGB36
// followed by the Ordnance Survey transverse Mercator series. Against the definitive OSTN15
// transformation this is within about 5 m anywhere in England and Wales, and within 10 m
// over Great Britain; good for postcode centroids, not for surveying.
//
// Uses std::sin, std::cos, std::tan and std::atan2, whose last bit may differ between maths
// libraries; callers that need identical output everywhere round to whole metres.

#include <cmath>

namespace crimemap::generator {

/// A position on the British National Grid, metres east and north of the false origin.
struct grid_position {
    double easting = 0.0;
    double northing = 0.0;
};

/// A geodetic position in degrees on some datum.
struct geodetic_position {
    double latitude = 0.0;
    double longitude = 0.0;
};

namespace bng {

inline constexpr double pi = 3.14159265358979323846;
inline constexpr double radians_per_degree = pi / 180.0;
inline constexpr double radians_per_arcsecond = radians_per_degree / 3600.0;

// GRS80, the ellipsoid of WGS84 and ETRS89 (the two agree to well under a metre here).
inline constexpr double grs80_a = 6378137.0;
inline constexpr double grs80_b = 6356752.314140;

// Airy 1830, the ellipsoid of OSGB36.
inline constexpr double airy_a = 6377563.396;
inline constexpr double airy_b = 6356256.909;

}  // namespace bng

/// Shifts a WGS84 position (degrees, on the ellipsoid) to OSGB36 (degrees) with the
/// Ordnance Survey's published Helmert parameters. Accurate to a few metres.
inline geodetic_position wgs84_to_osgb36(double latitude, double longitude) {
    using namespace bng;
    const double phi = latitude * radians_per_degree;
    const double lambda = longitude * radians_per_degree;

    const double e2_grs80 = 1.0 - (grs80_b * grs80_b) / (grs80_a * grs80_a);
    const double sin_phi = std::sin(phi);
    const double nu = grs80_a / std::sqrt(1.0 - e2_grs80 * sin_phi * sin_phi);
    const double x = nu * std::cos(phi) * std::cos(lambda);
    const double y = nu * std::cos(phi) * std::sin(lambda);
    const double z = (1.0 - e2_grs80) * nu * sin_phi;

    // WGS84 -> OSGB36 (Ordnance Survey, "A guide to coordinate systems in Great Britain").
    const double tx = -446.448;
    const double ty = 125.157;
    const double tz = -542.060;
    const double scale = 1.0 + 20.4894e-6;
    const double rx = -0.1502 * radians_per_arcsecond;
    const double ry = -0.2470 * radians_per_arcsecond;
    const double rz = -0.8421 * radians_per_arcsecond;

    const double x2 = tx + scale * x - rz * y + ry * z;
    const double y2 = ty + rz * x + scale * y - rx * z;
    const double z2 = tz - ry * x + rx * y + scale * z;

    const double e2_airy = 1.0 - (airy_b * airy_b) / (airy_a * airy_a);
    const double p = std::sqrt(x2 * x2 + y2 * y2);
    double phi2 = std::atan2(z2, p * (1.0 - e2_airy));
    for (int iteration = 0; iteration < 6; ++iteration) {
        const double s = std::sin(phi2);
        const double nu2 = airy_a / std::sqrt(1.0 - e2_airy * s * s);
        phi2 = std::atan2(z2 + e2_airy * nu2 * s, p);
    }
    return {phi2 / radians_per_degree, std::atan2(y2, x2) / radians_per_degree};
}

/// Projects an OSGB36 position (degrees) onto the National Grid with the Ordnance Survey's
/// transverse Mercator series (true origin 49N 2W, scale 0.9996012717). Millimetre-exact
/// against the Ordnance Survey's worked example.
inline grid_position osgb36_to_grid(double latitude, double longitude) {
    using namespace bng;
    const double a = airy_a;
    const double b = airy_b;
    const double f0 = 0.9996012717;
    const double phi0 = 49.0 * radians_per_degree;
    const double lambda0 = -2.0 * radians_per_degree;
    const double e0 = 400000.0;
    const double n0 = -100000.0;

    const double phi = latitude * radians_per_degree;
    const double lambda = longitude * radians_per_degree;
    const double e2 = 1.0 - (b * b) / (a * a);
    const double n = (a - b) / (a + b);
    const double n2 = n * n;
    const double n3 = n2 * n;

    const double sin_phi = std::sin(phi);
    const double cos_phi = std::cos(phi);
    const double tan_phi = std::tan(phi);
    const double tan2 = tan_phi * tan_phi;
    const double tan4 = tan2 * tan2;
    const double cos3 = cos_phi * cos_phi * cos_phi;
    const double cos5 = cos3 * cos_phi * cos_phi;

    const double denominator = 1.0 - e2 * sin_phi * sin_phi;
    const double nu = a * f0 / std::sqrt(denominator);
    const double rho = a * f0 * (1.0 - e2) / (denominator * std::sqrt(denominator));
    const double eta2 = nu / rho - 1.0;

    const double d_phi = phi - phi0;
    const double s_phi = phi + phi0;
    const double meridional =
        b * f0 *
        ((1.0 + n + 1.25 * n2 + 1.25 * n3) * d_phi -
         (3.0 * n + 3.0 * n2 + 2.625 * n3) * std::sin(d_phi) * std::cos(s_phi) +
         (1.875 * n2 + 1.875 * n3) * std::sin(2.0 * d_phi) * std::cos(2.0 * s_phi) -
         (35.0 / 24.0) * n3 * std::sin(3.0 * d_phi) * std::cos(3.0 * s_phi));

    const double term_i = meridional + n0;
    const double term_ii = nu / 2.0 * sin_phi * cos_phi;
    const double term_iii = nu / 24.0 * sin_phi * cos3 * (5.0 - tan2 + 9.0 * eta2);
    const double term_iiia = nu / 720.0 * sin_phi * cos5 * (61.0 - 58.0 * tan2 + tan4);
    const double term_iv = nu * cos_phi;
    const double term_v = nu / 6.0 * cos3 * (nu / rho - tan2);
    const double term_vi =
        nu / 120.0 * cos5 * (5.0 - 18.0 * tan2 + tan4 + 14.0 * eta2 - 58.0 * tan2 * eta2);

    const double dl = lambda - lambda0;
    const double dl2 = dl * dl;
    const double dl3 = dl2 * dl;
    const double dl4 = dl2 * dl2;
    const double dl5 = dl4 * dl;
    const double dl6 = dl3 * dl3;

    return {e0 + term_iv * dl + term_v * dl3 + term_vi * dl5,
            term_i + term_ii * dl2 + term_iii * dl4 + term_iiia * dl6};
}

/// WGS84 degrees to National Grid metres; see the accuracy note at the top of this file.
inline grid_position wgs84_to_british_grid(double latitude, double longitude) {
    const geodetic_position osgb = wgs84_to_osgb36(latitude, longitude);
    return osgb36_to_grid(osgb.latitude, osgb.longitude);
}

}  // namespace crimemap::generator
