#include "decision.hpp"

#include <algorithm>
#include <cassert>

namespace deployhook {
namespace {

constexpr std::string_view BRANCH_PREFIX = "refs/heads/";
constexpr std::string_view TAG_PREFIX = "refs/tags/";

Decision Ignore(std::string reason) { return {Verdict::Ignored, std::move(reason), {}}; }

bool IsAllZeros(std::string_view sha) {
  return !sha.empty() && std::all_of(sha.begin(), sha.end(), [](char c) { return c == '0'; });
}

}  // namespace

bool EqualsIgnoreCase(std::string_view a, std::string_view b) noexcept {
  auto lower = [](char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; };
  return a.size() == b.size() &&
         std::equal(a.begin(), a.end(), b.begin(), [&](char x, char y) { return lower(x) == lower(y); });
}

Decision Decide(std::string_view event, const PushPayload* push, std::span<const Target> targets,
                const std::vector<bool>& verified) {
  assert(verified.size() == targets.size());
  if (event == "ping") return {Verdict::Pong, {}, {}};
  if (event != "push") {
    return Ignore(event.empty() ? "no X-GitHub-Event header" : "event is not push");
  }
  assert(push != nullptr);
  if (push->deleted || IsAllZeros(push->after)) return Ignore("push deletes the ref");
  if (push->ref.starts_with(TAG_PREFIX)) return Ignore("push is a tag");
  if (!push->ref.starts_with(BRANCH_PREFIX)) return Ignore("ref is not a branch");
  std::string_view branch = std::string_view(push->ref).substr(BRANCH_PREFIX.size());

  Decision decision{Verdict::Deploy, {}, {}};
  bool repository_known = false;
  for (std::size_t i = 0; i < targets.size(); ++i) {
    if (!verified[i] || !EqualsIgnoreCase(targets[i].repository, push->repository)) continue;
    repository_known = true;
    if (targets[i].branch == branch) decision.targets.push_back(i);
  }
  if (!decision.targets.empty()) return decision;
  return Ignore(repository_known ? "branch is not a deploy branch"
                                 : "repository is not configured");
}

}  // namespace deployhook
