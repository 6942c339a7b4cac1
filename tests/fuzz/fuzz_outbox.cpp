// Fuzzes the outbox reader: a file in state_dir/outbox may be anything a crash or a person
// left there. Input: a whole file.

#include "harness.hpp"
#include "notify/outbox.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace deployhook;
  std::optional<OutboxMessage> message = ParseOutboxMessage(fuzz::AsText(data, size));
  if (!message) return 0;
  // What is accepted names a file inside the outbox, and survives being written back whole.
  FUZZ_REQUIRE(!message->id.empty() && message->id.find('/') == std::string::npos &&
               message->id.find('.') == std::string::npos);
  FUZZ_REQUIRE(message->attempts >= 0);
  std::optional<OutboxMessage> again = ParseOutboxMessage(SerializeOutboxMessage(*message));
  FUZZ_REQUIRE(again.has_value());
  FUZZ_REQUIRE(again->id == message->id && again->kind == message->kind &&
               again->notifier == message->notifier && again->target == message->target &&
               again->event == message->event && again->headers == message->headers &&
               again->body == message->body && again->attempts == message->attempts &&
               again->created_ms == message->created_ms &&
               again->next_try_ms == message->next_try_ms);
  return 0;
}
