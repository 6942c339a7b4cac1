#include "state/job.hpp"

#include <simdjson.h>

#include "util/json_reader.hpp"
#include "util/json_writer.hpp"

namespace deployhook {

namespace {

std::string ImagesJson(const std::vector<ContainerImage>& images) {
  std::vector<std::string> items;
  for (const ContainerImage& image : images) {
    items.push_back(JsonObject()
                        .Add("service", image.service)
                        .Add("reference", image.reference)
                        .Add("image", image.image_id)
                        .Str());
  }
  return JsonArrayOfRaw(items);
}

// Reads an array of {service, reference, image}; false when it is anything else.
bool ReadImages(simdjson::dom::element element, std::vector<ContainerImage>& out) {
  simdjson::dom::array images;
  if (element.get_array().get(images)) return false;
  for (simdjson::dom::element item : images) {
    simdjson::dom::object fields;
    ContainerImage image;
    if (item.get_object().get(fields) ||
        !ReadStringFields(fields, {{"service", &image.service}, {"reference", &image.reference},
                                   {"image", &image.image_id}})) {
      return false;
    }
    out.push_back(std::move(image));
  }
  return true;
}

}  // namespace

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
  if (job.snapshot) object.AddRaw("snapshot", ImagesJson(*job.snapshot));
  if (job.IsRollback()) object.Add("restores", job.restores).AddRaw("restore", ImagesJson(job.restore));
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
  if (!object["snapshot"].get(snapshot) && !ReadImages(snapshot, job.snapshot.emplace())) {
    return std::nullopt;
  }
  simdjson::dom::element restores_field;
  simdjson::dom::element restore;
  if (!object["restores"].get(restores_field)) {
    std::string_view restores;
    if (restores_field.get_string().get(restores) || restores.empty() ||
        object["restore"].get(restore) || !ReadImages(restore, job.restore)) {
      return std::nullopt;
    }
    job.restores = std::string(restores);
  }
  return job;
}

}  // namespace deployhook
