// X-Hub-Signature-256 parsing and verification, against the published vectors first.

#include <simdjson.h>

#include <boost/test/unit_test.hpp>

#include <algorithm>
#include <cctype>

#include "util/sha256.hpp"
#include "util/signature.hpp"
#include "unit_support.hpp"

namespace deployhook {
namespace {

using testing::ReadFixture;
using testing::Sign;

constexpr std::string_view DOCS_SECRET = "It's a Secret to Everybody";
// The value GitHub's "Validating webhook deliveries" page gives for "Hello, World!".
constexpr std::string_view DOCS_SIGNATURE =
    "sha256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17";

struct Triple {
  std::string file;
  std::string secret;
  std::string header;
  std::string value;
};

// Returns the valid HMAC-SHA256 triples signatures.json lists (as the sources wrote them).
std::vector<Triple> Sha256Triples() {
  std::string text = ReadFixture("signatures.json");
  simdjson::dom::parser parser;
  simdjson::dom::array entries = parser.parse(text).get_array().value();
  std::vector<Triple> triples;
  for (simdjson::dom::object entry : entries) {
    if (std::string_view(entry["algorithm"]) != "hmac-sha256") continue;
    if (std::string_view(entry["status"]) != "valid") continue;
    triples.push_back({std::string(std::string_view(entry["file"])),
                       std::string(std::string_view(entry["secret"])),
                       std::string(std::string_view(entry["header"])),
                       std::string(std::string_view(entry["value"]))});
  }
  return triples;
}

// Returns `value` as X-Hub-Signature-256 carries it: some sources quote the bare hex.
std::string WithPrefix(const std::string& value) {
  return value.starts_with("sha256=") ? value : "sha256=" + value;
}

SignatureResult Verify(std::string_view header, std::string_view body,
                       const std::vector<std::string>& secrets) {
  return VerifySignature(header, body, secrets);
}

// Returns `signature` with hex digit `index` (after the prefix) replaced by `digit`.
std::string WithDigit(std::string signature, std::size_t index, char digit) {
  signature[7 + index] = digit;
  return signature;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(signature)

BOOST_AUTO_TEST_CASE(verifies_github_docs_hello_world_vector) {
  std::string body = ReadFixture("vectors/github-docs-hello-world.txt");
  BOOST_TEST(body == "Hello, World!");
  SignatureResult result = Verify(DOCS_SIGNATURE, body, {std::string(DOCS_SECRET)});
  BOOST_TEST(result.check == SignatureCheck::Valid);
  BOOST_TEST(result.matched == std::vector<bool>{true});
}

BOOST_AUTO_TEST_CASE(verifies_every_hub_signature_256_triple_in_signatures_json) {
  int verified = 0;
  for (const Triple& triple : Sha256Triples()) {
    if (triple.header != "X-Hub-Signature-256") continue;
    BOOST_TEST_CONTEXT(triple.file << " under " << triple.secret) {
      SignatureResult result =
          Verify(WithPrefix(triple.value), ReadFixture(triple.file), {triple.secret});
      BOOST_TEST(result.check == SignatureCheck::Valid);
      ++verified;
    }
  }
  // github-docs, adnanh a-z, the empty body and three octokit vectors.
  BOOST_TEST(verified >= 6);
}

BOOST_AUTO_TEST_CASE(verifies_gitea_payload_hmacs_once_given_the_github_prefix) {
  // Gitea signs with the same HMAC-SHA256 in bare hex: real multi-kilobyte bodies.
  int verified = 0;
  for (const Triple& triple : Sha256Triples()) {
    if (triple.header != "X-Gitea-Signature") continue;
    BOOST_TEST_CONTEXT(triple.file) {
      SignatureResult result =
          Verify(WithPrefix(triple.value), ReadFixture(triple.file), {triple.secret});
      BOOST_TEST(result.check == SignatureCheck::Valid);
      ++verified;
    }
  }
  BOOST_TEST(verified >= 4);
}

BOOST_AUTO_TEST_CASE(an_empty_key_is_its_own_key_not_the_previous_calls) {
  // The HMAC context is kept per thread; an empty key must not reuse the last one.
  std::string fox = "The quick brown fox jumps over the lazy dog";
  BOOST_TEST(HexEncode(HmacSha256("key", fox).data(), 32) ==
             "f7bc83f430538424b13298e6aa6fb143ef4d59a14946175997479dbc2d1a3cd8");
  BOOST_TEST(HexEncode(HmacSha256("", "").data(), 32) ==
             "b613679a0814d9ec772f95d778c35fc5ff1697c493715653c6c712144292c5ad");
  BOOST_TEST(HexEncode(HmacSha256("key", fox).data(), 32) ==
             "f7bc83f430538424b13298e6aa6fb143ef4d59a14946175997479dbc2d1a3cd8");
}

BOOST_AUTO_TEST_CASE(rejects_missing_header) {
  SignatureResult result = VerifySignature(std::nullopt, "Hello, World!", std::vector<std::string>{"a", "b"});
  BOOST_TEST(result.check == SignatureCheck::Missing);
  BOOST_TEST(result.matched == (std::vector<bool>{false, false}));
}

BOOST_AUTO_TEST_CASE(rejects_signature_without_prefix) {
  // Gitea's bare hex header value: a correct HMAC, but not in GitHub's format.
  std::string body = ReadFixture("gitea/push/goplayground-push.json");
  std::string bare = "60fe446c74fa0cb9474f98cc557db79e10c7aaf22cf324ad65239600b9e4d915";
  SignatureResult result = Verify(bare, body, {"IsWishesWereHorsesWedAllBeEatingSteak!"});
  BOOST_TEST(result.check == SignatureCheck::Malformed);
  BOOST_TEST(!ParseSignatureHeader(bare));
}

BOOST_AUTO_TEST_CASE(rejects_prefix_in_other_case_or_spacing) {
  std::string hex(DOCS_SIGNATURE.substr(7));
  for (std::string header : {"SHA256=" + hex, "sha256 =" + hex, " sha256=" + hex,
                             "sha256=" + hex + " ", "sha256:" + hex}) {
    BOOST_TEST_CONTEXT(header) { BOOST_TEST(!ParseSignatureHeader(header)); }
  }
}

BOOST_AUTO_TEST_CASE(rejects_signature_of_wrong_length) {
  std::string valid(DOCS_SIGNATURE);
  for (std::string header : {valid.substr(0, valid.size() - 1), valid + "0", std::string("sha256="),
                             std::string(""), valid + valid.substr(7)}) {
    BOOST_TEST_CONTEXT(header) {
      BOOST_TEST(Verify(header, "Hello, World!", {std::string(DOCS_SECRET)}).check ==
                 SignatureCheck::Malformed);
    }
  }
}

BOOST_AUTO_TEST_CASE(rejects_non_hex_signature) {
  std::string valid(DOCS_SIGNATURE);
  for (char digit : {'g', 'G', 'x', ' ', '\0', '-'}) {
    BOOST_TEST_CONTEXT("digit " << int(digit)) {
      BOOST_TEST(!ParseSignatureHeader(WithDigit(valid, 10, digit)));
      BOOST_TEST(!ParseSignatureHeader(WithDigit(valid, 63, digit)));
    }
  }
}

BOOST_AUTO_TEST_CASE(accepts_uppercase_hex_digits) {
  // GitHub sends lowercase; uppercase names the same bytes, and the comparison is on bytes, so
  // accepting it costs nothing and helps hand-made test deliveries.
  std::string upper(DOCS_SIGNATURE);
  std::transform(upper.begin() + 7, upper.end(), upper.begin() + 7,
                 [](unsigned char c) { return static_cast<char>(std::toupper(c)); });
  BOOST_TEST(upper != DOCS_SIGNATURE);
  BOOST_TEST((ParseSignatureHeader(upper) == ParseSignatureHeader(DOCS_SIGNATURE)));
  BOOST_TEST(Verify(upper, "Hello, World!", {std::string(DOCS_SECRET)}).check ==
             SignatureCheck::Valid);
}

BOOST_AUTO_TEST_CASE(rejects_wrong_signature_over_empty_body) {
  std::string empty = ReadFixture("vectors/empty-body.bin");
  BOOST_TEST(empty.empty());
  // The empty body's signature is known; the docs vector's is not it.
  SignatureResult result = Verify(DOCS_SIGNATURE, empty, {"secret"});
  BOOST_TEST(result.check == SignatureCheck::Mismatch);
  BOOST_TEST(result.matched == std::vector<bool>{false});
}

BOOST_AUTO_TEST_CASE(rejects_signature_under_wrong_secret) {
  BOOST_TEST(Verify(DOCS_SIGNATURE, "Hello, World!", {"It's a Secret to Everybody\n"}).check ==
             SignatureCheck::Mismatch);
  BOOST_TEST(Verify(DOCS_SIGNATURE, "Hello, World!", {"it's a secret to everybody"}).check ==
             SignatureCheck::Mismatch);
}

BOOST_AUTO_TEST_CASE(rejects_body_changed_by_one_byte) {
  std::string body = ReadFixture("vectors/octokit-methods-foo-bar.json");
  std::string header = "sha256=4864d2759938a15468b5df9ade20bf161da9b4f737ea61794142f3484236bda3";
  BOOST_TEST(Verify(header, body, {"mysecret"}).check == SignatureCheck::Valid);
  for (std::size_t i = 0; i < body.size(); ++i) {
    std::string changed = body;
    changed[i] = static_cast<char>(changed[i] ^ 0x01);
    BOOST_TEST_CONTEXT("byte " << i) {
      BOOST_TEST(Verify(header, changed, {"mysecret"}).check == SignatureCheck::Mismatch);
    }
  }
}

BOOST_AUTO_TEST_CASE(rejects_body_with_newline_appended) {
  // A proxy that adds a newline breaks the signature: the raw bytes are what is signed.
  std::string body = ReadFixture("vectors/github-docs-hello-world.txt") + "\n";
  BOOST_TEST(Verify(DOCS_SIGNATURE, body, {std::string(DOCS_SECRET)}).check ==
             SignatureCheck::Mismatch);
}

BOOST_AUTO_TEST_CASE(matched_names_only_the_secret_that_signed) {
  std::vector<std::string> secrets = {"first-target", std::string(DOCS_SECRET), "third-target"};
  SignatureResult result = Verify(DOCS_SIGNATURE, "Hello, World!", secrets);
  BOOST_TEST(result.check == SignatureCheck::Valid);
  BOOST_TEST(result.matched == (std::vector<bool>{false, true, false}));
}

BOOST_AUTO_TEST_CASE(signature_under_another_targets_secret_matches_only_that_one) {
  std::string body = ReadFixture("github/push/woodpecker-push.json");
  std::vector<std::string> secrets = {"web-secret", "worker-secret"};
  SignatureResult result = Verify(Sign("worker-secret", body), body, secrets);
  BOOST_TEST(result.check == SignatureCheck::Valid);
  BOOST_TEST(result.matched == (std::vector<bool>{false, true}));
}

BOOST_AUTO_TEST_CASE(rejects_when_no_secret_is_configured) {
  SignatureResult result = Verify(DOCS_SIGNATURE, "Hello, World!", {});
  BOOST_TEST(result.check == SignatureCheck::Mismatch);
  BOOST_TEST(result.matched.empty());
}

BOOST_AUTO_TEST_CASE(rejects_sha1_signature) {
  // adnanh/webhook's valid X-Hub-Signature for {"a": "z"}: the legacy SHA-1 form is not enough.
  std::string body = ReadFixture("vectors/adnanh-a-z.json");
  for (std::string header : {"sha1=b17e04cbb22afa8ffbff8796fc1894ed27badd9e",
                             "b17e04cbb22afa8ffbff8796fc1894ed27badd9e"}) {
    BOOST_TEST_CONTEXT(header) {
      BOOST_TEST(Verify(header, body, {"secret"}).check == SignatureCheck::Malformed);
    }
  }
  BOOST_TEST(Verify("sha256=f417af3a21bd70379b5796d5f013915e7029f62c580fb0f500f59a35a6f04c89",
                    body, {"secret"}).check == SignatureCheck::Valid);
}

BOOST_AUTO_TEST_CASE(format_signature_round_trips) {
  Digest digest = HmacSha256(DOCS_SECRET, "Hello, World!");
  std::string formatted = FormatSignature(digest);
  BOOST_TEST(formatted == DOCS_SIGNATURE);
  BOOST_TEST((ParseSignatureHeader(formatted) == std::optional<Digest>(digest)));

  Digest edges{};
  edges.fill(0xff);
  edges[0] = 0x00;
  edges[1] = 0x0f;
  std::string text = FormatSignature(edges);
  BOOST_TEST(text.substr(0, 13) == "sha256=000fff");
  BOOST_TEST((ParseSignatureHeader(text) == std::optional<Digest>(edges)));
}

BOOST_AUTO_TEST_CASE(names_each_check_for_the_log) {
  BOOST_TEST(SignatureCheckName(SignatureCheck::Valid) == "valid");
  BOOST_TEST(SignatureCheckName(SignatureCheck::Missing) == "missing");
  BOOST_TEST(SignatureCheckName(SignatureCheck::Malformed) == "malformed");
  BOOST_TEST(SignatureCheckName(SignatureCheck::Mismatch) == "mismatch");
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace deployhook
