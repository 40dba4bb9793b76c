#include "real-clients/rdkafka_handles.h"

#include "broker-model/config_catalog.h"

namespace kafkasim::real {

namespace {

std::string librdkafka_value(const nlohmann::json& v) {
  if (v.is_string()) return v.get<std::string>();
  if (v.is_boolean()) return v.get<bool>() ? "true" : "false";
  if (v.is_array()) {
    std::string out;
    for (const auto& e : v) out += (out.empty() ? "" : ",") + librdkafka_value(e);
    return out;
  }
  return v.dump();
}

}  // namespace

std::vector<std::pair<std::string, std::pair<std::string, std::string>>> explicit_settings(
    const kafka::Config& config, const std::string& path) {
  std::vector<std::pair<std::string, std::pair<std::string, std::string>>> out;
  const nlohmann::json set = config.to_json();
  for (const auto& [name, value] : set.items()) {
    if (!config.is_explicit(name) || value.is_null()) continue;
    out.push_back({kafka::json_member_path(path, name), {name, librdkafka_value(value)}});
  }
  return out;
}

Conf make_conf(const std::vector<std::pair<std::string, std::pair<std::string, std::string>>>& settings) {
  Conf conf(rd_kafka_conf_new());
  char err[512];
  for (const auto& [path, kv] : settings) {
    if (rd_kafka_conf_set(conf.get(), kv.first.c_str(), kv.second.c_str(), err, sizeof err) != RD_KAFKA_CONF_OK) {
      throw ClientConfigError(path + ": librdkafka " + rd_kafka_version_str() + " refuses " + kv.first + "=" +
                              kv.second + ": " + err);
    }
  }
  return conf;
}

Handle make_client(rd_kafka_type_t type, Conf conf) {
  char err[512];
  rd_kafka_t* rk = rd_kafka_new(type, conf.get(), err, sizeof err);
  if (rk == nullptr) throw ClientConfigError(std::string("librdkafka cannot create the client: ") + err);
  conf.release();  // rd_kafka_new took it
  return Handle(rk);
}

}  // namespace kafkasim::real
