#include "read/status_view.hpp"

#include "util/json_writer.hpp"

namespace deployhook {
namespace {

std::string RunJson(const RunRecord& run) {
  std::string revision = RunRevision(run);
  return JsonObject()
      .Add("id", run.id)
      .Add("kind", Name(run.kind))
      .Add("result", Name(run.result))
      .Add("commit", RunCommit(run))
      .AddNullable("revision", revision.empty() ? std::nullopt : std::optional<std::string>(revision))
      .Add("started_at", run.started_at)
      .Add("finished_at", run.finished_at)
      .Add("seconds", RunSeconds(run))
      .Add("deliveries", static_cast<std::int64_t>(run.deliveries.size()))
      .Str();
}

}  // namespace

std::string RenderStatusJson(const std::vector<TargetView>& targets, std::size_t runs) {
  std::vector<std::string> items;
  for (const TargetView& target : targets) {
    JsonObject object;
    object.Add("name", target.name).Add("state", ActivityName(target.activity));
    if (target.pause) {
      object.AddRaw("paused", JsonObject()
                                  .Add("user", target.pause->user)
                                  .Add("reason", target.pause->reason)
                                  .Add("since", target.pause->since)
                                  .Str());
    } else {
      object.AddRaw("paused", "null");
    }
    object.Add("queued", static_cast<std::int64_t>(target.queued));
    object.Add("rejected", static_cast<std::int64_t>(target.rejected));
    const RunRecord* deployed = DeployedRun(target.history);
    object.AddRaw("deployed", deployed ? RunJson(*deployed) : "null");
    std::vector<std::string> recent;
    for (auto run = target.history.recent.rbegin(); run != target.history.recent.rend() && recent.size() < runs; ++run) {
      recent.push_back(RunJson(*run));
    }
    object.AddRaw("runs", JsonArrayOfRaw(recent));
    items.push_back(object.Str());
  }
  return JsonObject().AddRaw("targets", JsonArrayOfRaw(items)).Str() + "\n";
}

}  // namespace deployhook
