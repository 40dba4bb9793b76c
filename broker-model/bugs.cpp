#include "broker-model/bugs.h"

#include <stdexcept>

namespace kafkasim::kafka {

Bugs Bugs::from_names(const std::vector<std::string>& names) {
  Bugs b;
  for (const std::string& n : names) {
    if (n == "hw-truncation") b.hw_truncation = true;
    else if (n == "no-epoch-end-offset-check") b.no_epoch_end_offset_check = true;
    else if (n == "missed-epoch-no-truncate") b.missed_epoch_no_truncate = true;
    else if (n == "isr-join-unchecked") b.isr_join_unchecked = true;
    else if (n == "hw-ignores-min-isr") b.hw_ignores_min_isr = true;
    else if (n == "uncommitted-fetch") b.uncommitted_fetch = true;
    else if (n == "no-dedup-window") b.no_dedup_window = true;
    else if (n == "txn-late-produce") b.txn_late_produce = true;
    else if (n == "txn-timeout-no-fence") b.txn_timeout_no_fence = true;
    else if (n == "read-committed-ignores-lso") b.read_committed_ignores_lso = true;
    else if (n == "stale-generation-commit") b.stale_generation_commit = true;
    else if (n == "vote-not-persisted") b.vote_not_persisted = true;
    else throw std::invalid_argument("unknown bug switch '" + n + "'");
  }
  return b;
}

}  // namespace kafkasim::kafka
