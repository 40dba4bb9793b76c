// What a librdkafka delivery report says about a send, as a history op type
// (SPEC.md §4): `ok` only when the broker acknowledged the message at an
// offset, `fail` only when the message was certainly not written, `info`
// otherwise. librdkafka's rd_kafka_message_status() is the basis:
//   error, RD_KAFKA_MSG_STATUS_NOT_PERSISTED       -> fail (never written)
//   error, POSSIBLY_PERSISTED (timeouts, lost
//     connections, ...)                            -> info
//   no error, PERSISTED                            -> ok, with the offset
//   no error, POSSIBLY_PERSISTED (acks=0)          -> info: nothing was acknowledged
//   error, PERSISTED                               -> info: written, but the
//                                                     report says it failed
#pragma once

#include <librdkafka/rdkafka.h>

#include "checker/history.h"

namespace kafkasim::real {

checker::OpType delivery_op_type(rd_kafka_resp_err_t err, rd_kafka_msg_status_t status);

}  // namespace kafkasim::real
