// Files that are there whole or not at all.

#include <boost/test/unit_test.hpp>

#include <filesystem>

#include "state/durable_file.hpp"
#include "unit_support.hpp"

namespace deployhook {

BOOST_AUTO_TEST_SUITE(durable_file)

BOOST_AUTO_TEST_CASE(writes_then_reads_the_whole_content) {
  testing::TempDir dir;
  std::string content("line one\nline two\0binary", 24);
  WriteFileDurably(dir / "f.json", content);
  std::string read;
  BOOST_TEST(ReadWholeFile(dir / "f.json", read));
  BOOST_TEST(read == content);
}

BOOST_AUTO_TEST_CASE(replaces_an_existing_file_and_leaves_no_temporary) {
  testing::TempDir dir;
  WriteFileDurably(dir / "f.json", "old, and longer than the new content");
  WriteFileDurably(dir / "f.json", "new");
  std::string read;
  BOOST_TEST(ReadWholeFile(dir / "f.json", read));
  BOOST_TEST(read == "new");
  for (const auto& entry : std::filesystem::directory_iterator(dir.Path())) {
    BOOST_TEST(entry.path().filename() == "f.json");
  }
}

BOOST_AUTO_TEST_CASE(reports_a_missing_file_as_absent) {
  testing::TempDir dir;
  std::string read = "untouched";
  BOOST_TEST(!ReadWholeFile(dir / "absent", read));
}

BOOST_AUTO_TEST_CASE(throws_storage_error_when_the_directory_is_missing) {
  testing::TempDir dir;
  BOOST_CHECK_THROW(WriteFileDurably(dir / "no-such-dir" / "f.json", "x"), StorageError);
}

BOOST_AUTO_TEST_CASE(ensure_directory_creates_parents_and_refuses_a_file) {
  testing::TempDir dir;
  EnsureDirectory(dir / "a" / "b");
  BOOST_TEST(std::filesystem::is_directory(dir / "a" / "b"));
  EnsureDirectory(dir / "a" / "b");  // already there: fine
  testing::WriteText(dir / "file", "x");
  BOOST_CHECK_THROW(EnsureDirectory(dir / "file" / "sub"), StorageError);
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace deployhook
