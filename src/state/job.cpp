#include "job.hpp"

#include <simdjson.h>

#include "json_reader.hpp"
#include "json_writer.hpp"

namespace deployhook {

std::string SerializeJob(const Job& job) {
  return JsonObject()
      .Add("id", job.id)
      .Add("target", job.target)
      .Add("delivery", job.delivery)
      .Add("repository", job.repository)
      .Add("ref", job.ref)
      .Add("after", job.after)
      .Add("body_sha256", job.body_sha256)
      .Add("queued_at", job.queued_at)
      .Str();
}

std::optional<Job> ParseJob(std::string_view json) {
  simdjson::dom::parser parser;
  simdjson::dom::object object;
  if (parser.parse(json.data(), json.size()).get(object)) return std::nullopt;
  Job job;
  bool complete = ReadStringFields(
      object, {{"id", &job.id}, {"target", &job.target}, {"delivery", &job.delivery},
               {"repository", &job.repository}, {"ref", &job.ref}, {"after", &job.after},
               {"body_sha256", &job.body_sha256}, {"queued_at", &job.queued_at}});
  if (!complete || job.id.empty() || job.target.empty()) return std::nullopt;
  return job;
}

}  // namespace deployhook
