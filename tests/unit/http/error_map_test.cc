#include "http/error_map.h"

#include <gtest/gtest.h>

#include "common/memory.h"
#include "test_tables.h"

namespace quanta::http {
namespace {

using service::StatementKind;

ErrorContext Query(StatementKind kind, std::string_view table) {
  return ErrorContext{Endpoint::kQuery, kind, table};
}
ErrorContext Key(Endpoint endpoint, std::string_view table) {
  return ErrorContext{endpoint, StatementKind::kUnknown, table};
}

TEST(ErrorMapTest, QueryParseErrors) {
  EXPECT_EQ(MapStatus(ParseError("Unexpected token '''."), Query(StatementKind::kUnknown, "")),
            (HttpError{400, "Query error: Unexpected token '''."}));
  EXPECT_EQ(MapStatus(ParseUnexpectedToken("descripe"), Query(StatementKind::kUnknown, "")),
            (HttpError{400, "Query error: Unexpected token: 'descripe'"}));
  EXPECT_EQ(MapStatus(ParseError("Local key does not match primary key"),
                      Query(StatementKind::kCreateTable, "t")),
            (HttpError{400, "Query error: Local key does not match primary key"}));
  EXPECT_EQ(MapStatus(ParseError("syntax error before: "), Query(StatementKind::kUnknown, "")),
            (HttpError{400, "Query error: syntax error before: "}));
}

TEST(ErrorMapTest, QueryTableErrors) {
  EXPECT_EQ(MapStatus(Status(ErrorCode::kCreate, "Failed to create table bob: already_active"),
                      Query(StatementKind::kCreateTable, "bob")),
            (HttpError{409, "Table \"bob\" already exists"}));
  EXPECT_EQ(MapStatus(TableNotActive("john"), Query(StatementKind::kDescribe, "john")),
            (HttpError{404, "Table \"john\" does not exist"}));
  EXPECT_EQ(MapStatus(Status(ErrorCode::kTableInactive, "x is not an active table"),
                      Query(StatementKind::kSelect, "x")),
            (HttpError{404, "Table \"x\" does not exist"}));
  EXPECT_EQ(MapStatus(IoError("disk full"), Query(StatementKind::kCreateTable, "t")),
            (HttpError{500, "Failed to create table \"t\": disk full"}));
}

TEST(ErrorMapTest, QueryExecutionErrors) {
  EXPECT_EQ(MapStatus(SubmitError("The 'b' parameter is part the primary key but not specified "
                                  "in the where clause."),
                      Query(StatementKind::kSelect, "bob")),
            (HttpError{500, "Execution of select query failed on table \"bob\" (The 'b' parameter "
                            "is part the primary key but not specified in the where clause.)"}));
  EXPECT_EQ(MapStatus(Status(ErrorCode::kQuantaLimit, "Query spans too many quanta (6000, max 5000)"),
                      Query(StatementKind::kSelect, "t")),
            (HttpError{500, "Execution of select query failed on table \"t\" (Query spans too "
                            "many quanta (6000, max 5000))"}));
  EXPECT_EQ(MapStatus(Status(ErrorCode::kBadQuery, "too many values in row index(es) 1"),
                      Query(StatementKind::kInsert, "t")),
            (HttpError{500, "Execution of insert query failed on table \"t\" (too many values in "
                            "row index(es) 1)"}));
  EXPECT_EQ(MapStatus(Status(ErrorCode::kTimeout, "no response from backend"),
                      Query(StatementKind::kSelect, "t")),
            (HttpError{503, "Query worker timeout"}));
  EXPECT_EQ(MapStatus(SubmitError("Bad coverage context"), Query(StatementKind::kSelect, "t")),
            (HttpError{400, "Bad coverage context"}));
}

TEST(ErrorMapTest, KeyEndpoints) {
  EXPECT_EQ(MapStatus(TableNotActive("bill"), Key(Endpoint::kPut, "bill")),
            (HttpError{404, "Table \"bill\" does not exist"}));
  EXPECT_EQ(MapStatus(Status(ErrorCode::kNotFound, "notfound"), Key(Endpoint::kDelete, "t")),
            (HttpError{404, "Key not found"}));
  EXPECT_EQ(MapStatus(Status(ErrorCode::kPut, "Failed to put 2 record(s)"), Key(Endpoint::kPut, "t")),
            (HttpError{400, "Failed to put 2 records to table \"t\""}));
  EXPECT_EQ(MapStatus(Status(ErrorCode::kIrregular, "Invalid data found at row index(es) 1"),
                      Key(Endpoint::kPut, "t")),
            (HttpError{400, "Invalid data found at row index(es) 1"}));
  EXPECT_EQ(MapStatus(Status(ErrorCode::kTimeout, "backend timeout"), Key(Endpoint::kGet, "t")),
            (HttpError{503, "Storage backend timeout"}));
  EXPECT_EQ(MapStatus(IoError("boom"), Key(Endpoint::kGet, "t")), (HttpError{500, "boom"}));
  EXPECT_EQ(MapStatus(Status(ErrorCode::kNoSpace, "Failed to put 2 record(s): disk full"),
                      Key(Endpoint::kPut, "t")),
            (HttpError{507, "Failed to put 2 record(s): disk full"}));
}

// Resource limits: the server is busy, not the request wrong.
TEST(ErrorMapTest, OverloadAndMemoryLimitAre503) {
  EXPECT_EQ(MapStatus(SubmitError("overload"), Query(StatementKind::kUnknown, "")),
            (HttpError{503, "Query worker overload"}));
  EXPECT_EQ(MapStatus(SubmitError("overload"), Key(Endpoint::kListKeys, "t")),
            (HttpError{503, "Overload"}));
  Status memory = MemoryLimitError("the result", 1 << 20, 256 << 20, true);
  EXPECT_EQ(MapStatus(memory, Query(StatementKind::kSelect, "t")),
            (HttpError{503, memory.message()}));
  EXPECT_EQ(MapStatus(memory, Key(Endpoint::kPut, "t")), (HttpError{503, memory.message()}));
  // Other 1001 texts keep Riak's query error.
  EXPECT_EQ(MapStatus(SubmitError("Divide by zero"), Query(StatementKind::kSelect, "t")),
            (HttpError{500, "Execution of select query failed on table \"t\" (Divide by zero)"}));
}

TEST(ErrorMapTest, HttpLayerTexts) {
  EXPECT_EQ(NoQueryError(), (HttpError{400, "No query in request body"}));
  EXPECT_EQ(InvalidJsonError(), (HttpError{400, "Invalid json in body"}));
  EXPECT_EQ(MissingFieldError("b", "bob"),
            (HttpError{400, "Missing field \"b\" for key in table \"bob\""}));
  EXPECT_EQ(BadValueError("d", ColumnType::kSint64, "bob"),
            (HttpError{400, "Bad value for field \"d\" of type sint64 in table \"bob\""}));
  EXPECT_EQ(KeyLengthError(3, 4, "bob"),
            (HttpError{400, "Need 3 field/value pairs for key in table \"bob\", got 4 path elements"}));
  EXPECT_EQ(NotAllKeyFieldsError(), (HttpError{400, "Not all key-constituent fields given on URL"}));
  EXPECT_EQ(NoSuchFieldError("x", "bob"), (HttpError{400, "Table \"bob\" has no field named \"x\""}));
  EXPECT_EQ(KeyNotFoundError(), (HttpError{404, "Key not found"}));
  EXPECT_EQ(BadTimeoutError("x"), (HttpError{400, "Bad timeout value: x"}));
  EXPECT_EQ(UnknownParameterError("foo"), (HttpError{400, "Unknown parameter: foo"}));
  EXPECT_EQ(UnsupportedVersionError("v2"), (HttpError{412, "Unsupported API version v2"}));
  EXPECT_EQ(MethodNotAllowedError("GET").status, 405);
  EXPECT_EQ(BodyTooLargeError().status, 413);
}

}  // namespace
}  // namespace quanta::http
