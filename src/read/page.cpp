#include "read/page.hpp"

#include <algorithm>
#include <cstdio>

#include "util/html_escape.hpp"

namespace deployhook {
namespace {

constexpr std::string_view HEAD = R"(<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>deployhook</title>
<style>
body{font:15px/1.4 system-ui,sans-serif;margin:0 auto;max-width:60rem;padding:1rem;color:#222;background:#fafafa}
h1{font-size:1.3rem;margin:0 0 1rem}
.cards{display:grid;grid-template-columns:repeat(auto-fill,minmax(17rem,1fr));gap:1rem}
.card{background:#fff;border:1px solid #ddd;border-radius:8px;padding:.8rem 1rem}
.card h2{font-size:1.1rem;margin:0 0 .4rem;display:flex;justify-content:space-between;gap:.5rem}
.result{color:#fff;border-radius:4px;padding:0 .4rem;font-size:.9rem}
.meta{color:#555;font-size:.9rem;margin:.1rem 0}
code{font-size:.85rem}
table{border-collapse:collapse;width:100%;font-size:.9rem;background:#fff}
.runs{overflow-x:auto;margin-top:1.5rem}
th,td{text-align:left;padding:.3rem .5rem;border-bottom:1px solid #eee}
footer{color:#888;font-size:.8rem;margin-top:1rem}
@media (max-width:30rem){.hide-narrow{display:none}}
</style></head><body>
<h1>deployhook</h1>
)";

std::string Short(std::string_view sha) { return std::string(sha.substr(0, 12)); }

std::string Seconds(double seconds) {
  char text[32];
  std::snprintf(text, sizeof text, "%.1f s", seconds);
  return text;
}

// `text` in the colour of `result`.
std::string ResultSpan(std::string_view text, std::optional<RunResult> result) {
  return "<span class=\"result\" style=\"background:" + std::string(ResultColour(result)) + "\">" +
         EscapeHtml(text) + "</span>";
}

// The run's result in the table; a rollback's says so and is shown grey, as it always was.
std::string ResultRow(const RunRecord& run) {
  switch (run.kind) {
    case RunKind::Deploy: return ResultSpan(Name(run.result), run.result);
    case RunKind::Rollback: return ResultSpan(std::string(Name(run.result)) + " (rollback)", run.result);
  }
  return ResultSpan(Name(run.result), run.result);  // not reached: every enumerator is listed above
}

// An inline SVG bar per recent run (oldest left): height by duration, colour by result.
std::string Chart(const TargetHistory& history) {
  if (history.recent.empty()) return {};
  constexpr int WIDTH = 240, HEIGHT = 40, BAR = 8;
  double longest = 1;
  for (const RunRecord& run : history.recent) longest = std::max(longest, RunSeconds(run));
  std::string svg = "<svg width=\"" + std::to_string(WIDTH) + "\" height=\"" + std::to_string(HEIGHT) +
                    "\" role=\"img\" aria-label=\"recent runs\">";
  int x = 0;
  for (const RunRecord& run : history.recent) {
    int height = std::max(2, static_cast<int>(RunSeconds(run) / longest * HEIGHT));
    svg += "<rect x=\"" + std::to_string(x) + "\" y=\"" + std::to_string(HEIGHT - height) + "\" width=\"" +
           std::to_string(BAR - 2) + "\" height=\"" + std::to_string(height) + "\" fill=\"" +
           std::string(ResultColour(run.result)) + "\"><title>" + EscapeHtml(std::string(Name(run.result)) + " " +
           Seconds(RunSeconds(run)) + " " + run.finished_at) + "</title></rect>";
    x += BAR;
  }
  return svg + "</svg>";
}

std::string Card(const TargetView& target) {
  std::optional<RunResult> last;
  if (!target.history.recent.empty()) last = target.history.recent.back().result;
  std::string html = "<section class=\"card\"><h2><span>" + EscapeHtml(target.name) + "</span>" +
                     ResultSpan(last ? Name(*last) : "none", last) + "</h2>";
  std::string state = target.activity == Activity::Waiting ? "waiting for the commit's image"
                                                      : std::string(ActivityName(target.activity));
  html += "<p class=\"meta\">state: " + EscapeHtml(state);
  if (target.pause) {
    html += " · <strong>paused</strong> by " + EscapeHtml(target.pause->user);
    if (!target.pause->reason.empty()) html += ": " + EscapeHtml(target.pause->reason);
  }
  html += " · queued: " + std::to_string(target.queued);
  if (target.rejected > 0) html += " · <strong>rejected: " + std::to_string(target.rejected) + "</strong>";
  html += "</p>";
  if (const RunRecord* deployed = DeployedRun(target.history)) {
    const std::string& commit = RunCommit(*deployed);
    std::string revision = RunRevision(*deployed);
    html += "<p class=\"meta\">deployed: <code>" + EscapeHtml(Short(commit)) + "</code>";
    if (!revision.empty()) html += " (image revision <code>" + EscapeHtml(Short(revision)) + "</code>)";
    html += "</p><p class=\"meta\">" + EscapeHtml(deployed->finished_at) + " in " +
            Seconds(RunSeconds(*deployed)) + "</p>";
  } else {
    html += "<p class=\"meta\">deployed: nothing recorded</p>";
  }
  return html + Chart(target.history) + "</section>\n";
}

}  // namespace

std::string RenderPage(const std::vector<TargetView>& targets, std::string_view version) {
  std::string html(HEAD);
  html += "<div class=\"cards\">\n";
  for (const TargetView& target : targets) html += Card(target);
  html += "</div>\n<div class=\"runs\"><table><thead><tr><th>finished</th><th>target</th><th>result</th><th>commit</th>"
          "<th class=\"hide-narrow\">seconds</th><th>log</th></tr></thead><tbody>\n";
  std::vector<const RunRecord*> runs;
  for (const TargetView& target : targets) {
    for (const RunRecord& run : target.history.recent) runs.push_back(&run);
  }
  std::sort(runs.begin(), runs.end(), [](const RunRecord* a, const RunRecord* b) { return a->id > b->id; });
  for (const RunRecord* run : runs) {
    const std::string& commit = RunCommit(*run);
    html += "<tr><td>" + EscapeHtml(run->finished_at) + "</td><td>" + EscapeHtml(run->target) + "</td><td>" +
            ResultRow(*run) +
            "</td><td><code>" + EscapeHtml(Short(commit)) + "</code></td><td class=\"hide-narrow\">" +
            Seconds(RunSeconds(*run)) + "</td><td><a href=\"runs/" + EscapeHtml(run->id) + "/log\">log</a></td></tr>\n";
  }
  html += "</tbody></table></div>\n<footer>deployhook " + EscapeHtml(version) + "</footer>\n</body></html>\n";
  return html;
}

}  // namespace deployhook
