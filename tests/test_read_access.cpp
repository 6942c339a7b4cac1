// Who may read the read side: nobody without a token configured, with one only its bearer.

#include <boost/test/unit_test.hpp>

#include "read/read_access.hpp"

namespace deployhook {

BOOST_AUTO_TEST_SUITE(read_access)

BOOST_AUTO_TEST_CASE(is_closed_without_a_token) {
  ReadRoute metrics{ReadPage::Metrics, {}};
  BOOST_TEST((CheckReadAccess(metrics, "Bearer x", std::nullopt, false) == ReadAccess::Closed));
}

BOOST_AUTO_TEST_CASE(needs_the_exact_bearer_token) {
  ReadRoute status{ReadPage::Status, {}};
  std::optional<std::string> token = "s3cret-token";
  BOOST_TEST((CheckReadAccess(status, "Bearer s3cret-token", token, false) == ReadAccess::Open));
  for (std::optional<std::string_view> sent : {std::optional<std::string_view>{}, std::optional<std::string_view>{"Bearer s3cret-toke"},
                                               std::optional<std::string_view>{"Bearer s3cret-token2"},
                                               std::optional<std::string_view>{"Basic s3cret-token"},
                                               std::optional<std::string_view>{"s3cret-token"}}) {
    BOOST_TEST((CheckReadAccess(status, sent, token, false) == ReadAccess::Unauthorized));
  }
}

BOOST_AUTO_TEST_CASE(public_badges_open_badges_alone) {
  ReadRoute badge{ReadPage::Badge, "web"};
  ReadRoute page{ReadPage::Page, {}};
  BOOST_TEST((CheckReadAccess(badge, std::nullopt, std::nullopt, true) == ReadAccess::Open));
  BOOST_TEST((CheckReadAccess(page, std::nullopt, std::nullopt, true) == ReadAccess::Closed));
  BOOST_TEST((CheckReadAccess(badge, std::nullopt, std::nullopt, false) == ReadAccess::Closed));
}

BOOST_AUTO_TEST_CASE(takes_the_bearer_scheme_in_any_case) {
  ReadRoute status{ReadPage::Status, {}};
  std::optional<std::string> token = "s3cret-token";
  for (std::string_view sent : {"bearer s3cret-token", "BEARER s3cret-token", "bEaReR s3cret-token",
                                "Bearer  s3cret-token"}) {
    BOOST_TEST((CheckReadAccess(status, sent, token, false) == ReadAccess::Open), sent);
  }
  for (std::string_view sent : {"Bearers3cret-token", "Bearer", "Bearer ", "bearer s3cret-TOKEN",
                                "Bear s3cret-token", "Bearerx s3cret-token"}) {
    BOOST_TEST((CheckReadAccess(status, sent, token, false) == ReadAccess::Unauthorized), sent);
  }
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace deployhook
