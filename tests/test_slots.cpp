// Blue-green slots: which slot is live and where a run starts the new version, from the engine
// first and upstream_file second, including runs cut short between the write and the reload.

#include <boost/test/unit_test.hpp>

#include "deploy/slots.hpp"

namespace deployhook {
namespace {

BlueGreenSettings Settings() {
  BlueGreenSettings settings;
  settings.slots = {*ParseSlotAddress("127.0.0.1:8081"), *ParseSlotAddress("127.0.0.1:8082")};
  return settings;
}

SlotChoice Choose(bool blue, bool green, std::optional<Slot> upstream) {
  return ChooseSlots({.blue_running = blue, .green_running = green, .upstream = upstream});
}

}  // namespace

BOOST_AUTO_TEST_SUITE(slots)

BOOST_AUTO_TEST_CASE(the_first_run_starts_blue_with_nothing_live) {
  for (std::optional<Slot> upstream : {std::optional<Slot>{}, std::optional<Slot>{Slot::Green}}) {
    SlotChoice choice = Choose(false, false, upstream);
    BOOST_TEST(!choice.live.has_value());
    BOOST_TEST((choice.next == Slot::Blue));
    BOOST_TEST((choice.reconcile == Reconcile::None));
  }
}

BOOST_AUTO_TEST_CASE(the_running_slot_is_live_and_the_other_is_next) {
  SlotChoice choice = Choose(false, true, Slot::Green);
  BOOST_TEST((choice.live == Slot::Green));
  BOOST_TEST((choice.next == Slot::Blue));
  BOOST_TEST((choice.reconcile == Reconcile::None));
}

BOOST_AUTO_TEST_CASE(the_engine_wins_over_a_file_naming_a_stopped_slot) {
  for (std::optional<Slot> upstream : {std::optional<Slot>{}, std::optional<Slot>{Slot::Green}}) {
    SlotChoice choice = Choose(true, false, upstream);
    BOOST_TEST((choice.live == Slot::Blue));
    BOOST_TEST((choice.next == Slot::Green));
    BOOST_TEST((choice.reconcile == Reconcile::WriteAndReload));  // the front door is told again
  }
}

BOOST_AUTO_TEST_CASE(both_running_keeps_the_slot_the_file_names_and_reloads_first) {
  // Cut short after the write, before the reload: the file names the new slot, which passed its
  // gate; reloading makes the front door serve what the file says before anything else changes.
  for (Slot named : {Slot::Blue, Slot::Green}) {
    SlotChoice choice = Choose(true, true, named);
    BOOST_TEST((choice.live == named));
    BOOST_TEST((choice.next == OtherSlot(named)));
    BOOST_TEST((choice.reconcile == Reconcile::Reload));
  }
}

BOOST_AUTO_TEST_CASE(both_running_and_no_slot_named_takes_blue_and_writes_it) {
  SlotChoice choice = Choose(true, true, std::nullopt);
  BOOST_TEST((choice.live == Slot::Blue));
  BOOST_TEST((choice.next == Slot::Green));
  BOOST_TEST((choice.reconcile == Reconcile::WriteAndReload));
}

BOOST_AUTO_TEST_CASE(upstream_text_round_trips_in_both_formats) {
  BlueGreenSettings settings = Settings();
  for (UpstreamFormat format : {UpstreamFormat::Nginx, UpstreamFormat::Caddy}) {
    for (Slot slot : {Slot::Blue, Slot::Green}) {
      std::string text = UpstreamText(format, SlotAt(settings, slot), "web");
      BOOST_TEST((UpstreamSlot(text, settings) == slot), text);
    }
  }
  BOOST_TEST(UpstreamText(UpstreamFormat::Nginx, SlotAt(settings, Slot::Green), "web")
                 .ends_with("\nserver 127.0.0.1:8082;\n"));
  BOOST_TEST(UpstreamText(UpstreamFormat::Caddy, SlotAt(settings, Slot::Blue), "web")
                 .ends_with("\nreverse_proxy 127.0.0.1:8081\n"));
}

BOOST_AUTO_TEST_CASE(upstream_slot_ignores_comments_and_other_addresses) {
  BlueGreenSettings settings = Settings();
  BOOST_TEST(!UpstreamSlot("", settings).has_value());
  BOOST_TEST(!UpstreamSlot("# server 127.0.0.1:8081;\n", settings).has_value());
  BOOST_TEST(!UpstreamSlot("server 127.0.0.1:9999;\n", settings).has_value());
  BOOST_TEST(!UpstreamSlot("server 127.0.0.1:80811;\n", settings).has_value());
  BOOST_TEST((UpstreamSlot("  server\t127.0.0.1:8082 ; # live\n", settings) == Slot::Green));
  // Both named (an upstream balancing over both): no slot is the live one.
  BOOST_TEST(!UpstreamSlot("server 127.0.0.1:8081;\nserver 127.0.0.1:8082;\n", settings).has_value());
}

BOOST_AUTO_TEST_CASE(slot_projects_and_compose_default_project_names) {
  BOOST_TEST(SlotProject("shop", Slot::Blue) == "shop-blue");
  BOOST_TEST(SlotProject("shop", Slot::Green) == "shop-green");
  BOOST_TEST(DefaultProjectName("/srv/My.Shop_2/") == "myshop_2");
  BOOST_TEST(DefaultProjectName("/srv/web-app") == "web-app");
}

BOOST_AUTO_TEST_SUITE_END()

}  // namespace deployhook
