#pragma once
// Decodes a vector tile with GDAL's MVT driver, an independent decoder, for tests.

#include <cpl_vsi.h>
#include <gdal_priv.h>
#include <ogrsf_frmts.h>

#include <atomic>
#include <map>
#include <stdexcept>
#include <string>
#include <vector>

namespace crimemap::test {

struct decoded_feature {
    std::string layer;
    std::string geometry_wkt;              ///< in tile units, y down (0..4096 inside the tile)
    double x = 0, y = 0;                   ///< the first point, y down
    std::map<std::string, std::string> properties;
    const OGRGeometry* geometry = nullptr; ///< valid while the decoded_tile lives
};

/// GDAL reads a tile whose path is not z/x/y in tile units with y pointing up
/// (extent - y); the features here are turned back to MVT's y-down units.
class decoded_tile {
public:
    explicit decoded_tile(const std::string& bytes, int extent = 4096) {
        static std::atomic<int> counter{0};
        path_ = "/vsimem/decoded-" + std::to_string(counter++) + ".pbf";
        VSILFILE* file = VSIFileFromMemBuffer(path_.c_str(),
                                              reinterpret_cast<GByte*>(const_cast<char*>(bytes.data())),
                                              static_cast<vsi_l_offset>(bytes.size()), FALSE);
        if (!file) throw std::runtime_error("cannot map the tile into /vsimem");
        VSIFCloseL(file);
        GDALAllRegister();
        const char* options[] = {"CLIP=NO", nullptr};  // show what the tile holds, buffer included
        dataset_.reset(GDALDataset::Open(path_.c_str(), GDAL_OF_VECTOR | GDAL_OF_READONLY, nullptr, options));
        if (!dataset_) throw std::runtime_error("GDAL cannot decode the tile: " + std::string(CPLGetLastErrorMsg()));
        for (auto* layer : dataset_->GetLayers()) {
            for (auto& feature : *layer) {
                decoded_feature f;
                f.layer = layer->GetName();
                for (int i = 0; i < feature->GetFieldCount(); ++i)
                    if (feature->IsFieldSetAndNotNull(i))
                        f.properties[feature->GetFieldDefnRef(i)->GetNameRef()] = feature->GetFieldAsString(i);
                if (auto* g = feature->GetGeometryRef()) {
                    flip(*g, extent);
                    char* wkt = nullptr;
                    g->exportToWkt(&wkt);
                    f.geometry_wkt = wkt;
                    CPLFree(wkt);
                    OGRPoint first;
                    if (wkbFlatten(g->getGeometryType()) == wkbPoint) {
                        f.x = g->toPoint()->getX();
                        f.y = g->toPoint()->getY();
                    }
                    geometries_.emplace_back(g->clone());
                    f.geometry = geometries_.back().get();
                }
                features.push_back(std::move(f));
            }
        }
    }
    ~decoded_tile() {
        dataset_.reset();
        VSIUnlink(path_.c_str());
    }
    decoded_tile(const decoded_tile&) = delete;
    decoded_tile& operator=(const decoded_tile&) = delete;

    std::vector<decoded_feature> features;

private:
    static void flip(OGRGeometry& g, int extent) {
        struct flipper : public OGRDefaultGeometryVisitor {
            int extent;
            explicit flipper(int e) : extent(e) {}
            using OGRDefaultGeometryVisitor::visit;
            void visit(OGRPoint* p) override { p->setY(extent - p->getY()); }
            void visit(OGRLineString* line) override {
                for (int i = 0; i < line->getNumPoints(); ++i) line->setPoint(i, line->getX(i), extent - line->getY(i));
            }
            void visit(OGRLinearRing* ring) override { visit(static_cast<OGRLineString*>(ring)); }
        } visitor(extent);
        g.accept(&visitor);
    }
    std::string path_;
    GDALDatasetUniquePtr dataset_;
    std::vector<std::unique_ptr<OGRGeometry>> geometries_;
};

}  // namespace crimemap::test
