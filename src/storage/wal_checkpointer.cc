#include "storage/wal_checkpointer.h"

#include "util/log.h"

namespace skiff::storage::sqlite {

namespace {
// Frames left over that are cheap enough to copy while writers wait; more passes otherwise.
constexpr int kFinishUnderLockFrames = 256;
constexpr int kMaxUnlockedPasses = 4;
}  // namespace

Result<std::unique_ptr<WalCheckpointer>> WalCheckpointer::start(const std::string& path, std::mutex& writer_mutex,
                                                                Database& writer_db) {
  SKIFF_ASSIGN_OR_RETURN(auto db, Database::open(path));
  auto checkpointer =
      std::unique_ptr<WalCheckpointer>(new WalCheckpointer(std::move(db), writer_mutex, writer_db));
  checkpointer->thread_ = std::thread([raw = checkpointer.get()] { raw->run(); });
  return checkpointer;
}

WalCheckpointer::~WalCheckpointer() {
  {
    std::lock_guard lock(mu_);
    stopping_ = true;
  }
  wake_.notify_one();
  thread_.join();
}

void WalCheckpointer::request() {
  {
    std::lock_guard lock(mu_);
    requested_ = true;
  }
  wake_.notify_one();
}

void WalCheckpointer::run() {
  std::unique_lock lock(mu_);
  while (true) {
    wake_.wait(lock, [&] { return requested_ || stopping_; });
    if (stopping_) return;
    requested_ = false;
    lock.unlock();
    checkpoint();
    lock.lock();
  }
}

void WalCheckpointer::checkpoint() {
  for (int pass = 0; pass < kMaxUnlockedPasses; ++pass) {
    auto left = db_->checkpoint_passive();
    if (!left.ok()) {
      log::warn("storage", left.error().message);
      return;
    }
    if (*left <= kFinishUnderLockFrames) break;
  }
  std::lock_guard writers_wait(writer_mutex_);
  auto left = writer_db_.checkpoint_passive();
  if (!left.ok()) log::warn("storage", left.error().message);
}

}  // namespace skiff::storage::sqlite
