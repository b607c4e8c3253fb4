#define BOOST_TEST_MODULE hoshitori_unit
#include <boost/test/unit_test.hpp>
