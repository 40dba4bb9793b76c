#include "harness/ride_spec.h"

namespace kafkasim::harness {

nlohmann::json to_json(const RideSpec& r) {
  return {{"riders", r.riders},
          {"drivers", r.drivers},
          {"city_size", r.city_size},
          {"request_rate_per_s", r.request_rate_per_s},
          {"cancel_ratio", r.cancel_ratio},
          {"cancel_after_ms", r.cancel_after_ms},
          {"decline_ratio", r.decline_ratio},
          {"max_offers", r.max_offers},
          {"max_wait_ms", r.max_wait_ms},
          {"trip_duration_ms", r.trip_duration_ms},
          {"location_interval_ms", r.location_interval_ms},
          {"instances", r.instances},
          {"idempotency", r.idempotency},
          {"slow_ratio", r.slow_ratio},
          {"slow_delay_ms", r.slow_delay_ms},
          {"charge_timeout_ms", r.charge_timeout_ms},
          {"spike_at_ms", r.spike_at_ms},
          {"spike_duration_ms", r.spike_duration_ms},
          {"spike_rate_per_s", r.spike_rate_per_s}};
}

nlohmann::ordered_json non_default_json(const RideSpec& r) {
  const nlohmann::json all = to_json(r);
  const nlohmann::json defaults = to_json(RideSpec{});
  nlohmann::ordered_json j = nlohmann::ordered_json::object();
  for (const auto& [key, value] : all.items()) {
    if (value != defaults.at(key)) j[key] = value;
  }
  return j;
}

RideSpec ride_spec_from_json(const nlohmann::json& j) {
  RideSpec r;
  r.riders = j.value("riders", r.riders);
  r.drivers = j.value("drivers", r.drivers);
  r.city_size = j.value("city_size", r.city_size);
  r.request_rate_per_s = j.value("request_rate_per_s", r.request_rate_per_s);
  r.cancel_ratio = j.value("cancel_ratio", r.cancel_ratio);
  r.cancel_after_ms = j.value("cancel_after_ms", r.cancel_after_ms);
  r.decline_ratio = j.value("decline_ratio", r.decline_ratio);
  r.max_offers = j.value("max_offers", r.max_offers);
  r.max_wait_ms = j.value("max_wait_ms", r.max_wait_ms);
  r.trip_duration_ms = j.value("trip_duration_ms", r.trip_duration_ms);
  r.location_interval_ms = j.value("location_interval_ms", r.location_interval_ms);
  r.instances = j.value("instances", r.instances);
  r.idempotency = j.value("idempotency", r.idempotency);
  r.slow_ratio = j.value("slow_ratio", r.slow_ratio);
  r.slow_delay_ms = j.value("slow_delay_ms", r.slow_delay_ms);
  r.charge_timeout_ms = j.value("charge_timeout_ms", r.charge_timeout_ms);
  r.spike_at_ms = j.value("spike_at_ms", r.spike_at_ms);
  r.spike_duration_ms = j.value("spike_duration_ms", r.spike_duration_ms);
  r.spike_rate_per_s = j.value("spike_rate_per_s", r.spike_rate_per_s);
  return r;
}

}  // namespace kafkasim::harness
