// The unit test runner: each tests/test_*.cpp adds one suite to this module.
#define BOOST_TEST_MODULE deployhook
#include <boost/test/unit_test.hpp>

#include "refused_closes.hpp"

namespace {

// No code under test closes a descriptor twice, in any test (see refused_closes.hpp).
struct NoDescriptorClosedTwice {
  void teardown() { BOOST_TEST(deployhook::testing::RefusedCloses() == 0); }
};

}  // namespace

BOOST_TEST_GLOBAL_FIXTURE(NoDescriptorClosedTwice);
