#include "job.hpp"

#include <simdjson.h>

#include "json_reader.hpp"
#include "json_writer.hpp"

namespace deployhook {

std::string SerializeJob(const Job& job) {
  JsonObject object;
  object
      .Add("id", job.id)
      .Add("target", job.target)
      .Add("delivery", job.delivery)
      .Add("repository", job.repository)
      .Add("ref", job.ref)
      .Add("after", job.after)
      .Add("body_sha256", job.body_sha256)
      .Add("queued_at", job.queued_at);
  if (job.snapshot) {
    std::vector<std::string> images;
    for (const ContainerImage& image : *job.snapshot) {
      images.push_back(JsonObject()
                           .Add("service", image.service)
                           .Add("reference", image.reference)
                           .Add("image", image.image_id)
                           .Str());
    }
    object.AddRaw("snapshot", JsonArrayOfRaw(images));
  }
  return object.Str();
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
  simdjson::dom::element snapshot;
  if (!object["snapshot"].get(snapshot)) {
    simdjson::dom::array images;
    if (snapshot.get_array().get(images)) return std::nullopt;
    job.snapshot.emplace();
    for (simdjson::dom::element item : images) {
      simdjson::dom::object fields;
      ContainerImage image;
      if (item.get_object().get(fields) ||
          !ReadStringFields(fields, {{"service", &image.service}, {"reference", &image.reference},
                                     {"image", &image.image_id}})) {
        return std::nullopt;
      }
      job.snapshot->push_back(std::move(image));
    }
  }
  return job;
}

}  // namespace deployhook
