// Copies SQLite's WAL back into the database file on a thread of its own, with its own
// connection, so that the two fsyncs a checkpoint costs stay off the write path. Without it,
// one commit in a few hundred stalls for the whole checkpoint (tens of ms on a busy disk).
// Passive passes on this connection copy the bulk while writes go on. But SQLite only starts
// the WAL over from its beginning after a checkpoint that left nothing behind, and in practice
// (SQLite 3.40) a complete checkpoint by this other connection, even RESTART, did not lead the
// writer to restart the WAL, which then grew without bound; one run on the writer's own
// connection does. So each cycle ends with a short passive pass on the writer's connection,
// holding the writers' mutex, over the few frames left.
#pragma once

#include <condition_variable>
#include <memory>
#include <mutex>
#include <string>
#include <thread>

#include "storage/sqlite_db.h"

namespace skiff::storage::sqlite {

class WalCheckpointer {
 public:
  // writer_mutex is the one the store holds whenever it uses writer_db.
  static Result<std::unique_ptr<WalCheckpointer>> start(const std::string& path, std::mutex& writer_mutex,
                                                        Database& writer_db);
  ~WalCheckpointer();  // finishes a checkpoint in progress, then stops

  // Asks for a checkpoint soon; cheap enough to call from a commit hook.
  void request();

 private:
  WalCheckpointer(std::unique_ptr<Database> db, std::mutex& writer_mutex, Database& writer_db)
      : db_(std::move(db)), writer_mutex_(writer_mutex), writer_db_(writer_db) {}
  void run();
  void checkpoint();

  std::unique_ptr<Database> db_;  // used only by thread_
  std::mutex& writer_mutex_;
  Database& writer_db_;
  std::mutex mu_;
  std::condition_variable wake_;
  bool requested_ = false;
  bool stopping_ = false;
  std::thread thread_;
};

}  // namespace skiff::storage::sqlite
