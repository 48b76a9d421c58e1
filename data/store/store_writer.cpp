#include "data/store/store_writer.hpp"

#include "data/store/store.hpp"

namespace crimemap::data {

store_writer::store_writer(const std::string& path) : db_(open_store_for_writing(path)) {
    db_.exec("PRAGMA synchronous=FULL");
    db_.exec("PRAGMA cache_size=-16384");  // small writes: 16 MiB will do
}

}  // namespace crimemap::data
