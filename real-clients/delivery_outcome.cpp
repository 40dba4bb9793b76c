#include "real-clients/delivery_outcome.h"

namespace kafkasim::real {

checker::OpType delivery_op_type(rd_kafka_resp_err_t err, rd_kafka_msg_status_t status) {
  if (err == RD_KAFKA_RESP_ERR_NO_ERROR) {
    return status == RD_KAFKA_MSG_STATUS_PERSISTED ? checker::OpType::ok : checker::OpType::info;
  }
  return status == RD_KAFKA_MSG_STATUS_NOT_PERSISTED ? checker::OpType::fail : checker::OpType::info;
}

}  // namespace kafkasim::real
