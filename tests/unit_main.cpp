// The unit test runner: each tests/test_*.cpp adds one suite to this module.
#define BOOST_TEST_MODULE deployhook
#include <boost/test/unit_test.hpp>
