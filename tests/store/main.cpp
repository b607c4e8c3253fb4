#define BOOST_TEST_MODULE hoshitori_store
#include <boost/test/unit_test.hpp>
