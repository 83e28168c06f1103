// A thin RAII layer over the SQLite C API: a connection and its cached prepared statements.
// Not thread-safe; the owner serializes access.
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <string_view>

#include "util/result.h"

struct sqlite3;
struct sqlite3_stmt;

namespace skiff::storage::sqlite {

class Statement {
 public:
  Statement(sqlite3* db, sqlite3_stmt* stmt) : db_(db), stmt_(stmt) {}
  Statement(const Statement&) = delete;
  Statement& operator=(const Statement&) = delete;
  ~Statement();

  // Binds are 1-based, as in SQL. Bound bytes must outlive the statement's current execution.
  Statement& bind(int index, int64_t value);
  Statement& bind_blob(int index, std::string_view bytes);

  // Runs one step: true when a row is available, false when done.
  Result<bool> step();
  // Runs to completion, expecting no rows.
  Status run();
  // Clears bindings and rewinds, ready for reuse. Called automatically by the Scope below.
  void reset();

  int64_t column_int(int index) const;
  std::string column_blob(int index) const;
  bool column_is_null(int index) const;

 private:
  sqlite3* db_;
  sqlite3_stmt* stmt_;
};

// Resets a cached statement when leaving scope, so it never holds a read snapshot open.
class Scope {
 public:
  explicit Scope(Statement& s) : s_(s) {}
  ~Scope() { s_.reset(); }
  Statement* operator->() { return &s_; }

 private:
  Statement& s_;
};

class Database {
 public:
  static Result<std::unique_ptr<Database>> open(const std::string& path);
  ~Database();

  Status exec(const std::string& sql);
  Result<std::unique_ptr<Statement>> prepare(const std::string& sql);
  void set_busy_timeout(int milliseconds);
  // Called after each commit with the number of frames now in the WAL. Replaces SQLite's
  // automatic checkpoints on this connection.
  void on_wal_commit(std::function<void(int frames)> hook);
  // Copies what it can of the WAL into the database without waiting for other connections.
  // Returns the number of WAL frames not yet copied.
  Result<int> checkpoint_passive();

 private:
  explicit Database(sqlite3* db) : db_(db) {}
  sqlite3* db_;
  std::function<void(int)> wal_hook_;
};

}  // namespace skiff::storage::sqlite
