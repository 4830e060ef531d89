// The draft-07 subset validator used by the JSON report tests, and tests that
// show it rejects what it should (a validator that accepts everything would
// make the schema test one that cannot fail).
#include "draft07_validator.h"

#include <gtest/gtest.h>

#include <cmath>
#include <set>

namespace npusim::reports::testing {
namespace {

using nlohmann::json;

class Validator {
 public:
  explicit Validator(const json& root) : root_(root) {}

  void check(const json& schema, const json& doc, const std::string& path) {
    static const std::set<std::string> annotations = {"$schema", "$id", "title", "description"};
    static const std::set<std::string> keywords = {"type",  "required", "additionalProperties", "properties",
                                                   "items", "enum",     "const",                "minimum",
                                                   "$ref",  "oneOf",    "definitions"};
    for (const auto& item : schema.items()) {
      if (annotations.count(item.key()) == 0 && keywords.count(item.key()) == 0) {
        error(path, "schema keyword '" + item.key() + "' is outside the validated subset");
      }
    }
    if (schema.contains("$ref")) return check(resolve(schema["$ref"].get<std::string>(), path), doc, path);
    if (schema.contains("type") && !type_matches(schema["type"], doc)) {
      error(path, "expected type " + schema["type"].dump() + ", got " + doc.type_name());
      return;
    }
    if (schema.contains("const") && doc != schema["const"]) error(path, "expected " + schema["const"].dump());
    if (schema.contains("enum")) check_enum(schema["enum"], doc, path);
    if (schema.contains("minimum") && doc.is_number() && doc.get<double>() < schema["minimum"].get<double>()) {
      error(path, "below minimum " + schema["minimum"].dump());
    }
    if (schema.contains("oneOf")) check_one_of(schema["oneOf"], doc, path);
    if (doc.is_object()) check_object(schema, doc, path);
    if (doc.is_array() && schema.contains("items")) {
      for (size_t i = 0; i < doc.size(); ++i) check(schema["items"], doc[i], path + "[" + std::to_string(i) + "]");
    }
  }

  std::vector<std::string> errors;

 private:
  void error(const std::string& path, const std::string& what) { errors.push_back(path + ": " + what); }

  const json& resolve(const std::string& ref, const std::string& path) {
    const std::string prefix = "#/definitions/";
    if (ref.rfind(prefix, 0) != 0 || !root_["definitions"].contains(ref.substr(prefix.size()))) {
      error(path, "unresolvable $ref " + ref);
      static const json anything = json::object();
      return anything;
    }
    return root_["definitions"][ref.substr(prefix.size())];
  }

  static bool one_type_matches(const std::string& type, const json& doc) {
    if (type == "object") return doc.is_object();
    if (type == "array") return doc.is_array();
    if (type == "string") return doc.is_string();
    if (type == "boolean") return doc.is_boolean();
    if (type == "null") return doc.is_null();
    if (type == "integer") {
      return doc.is_number_integer() || (doc.is_number_float() && std::floor(doc.get<double>()) == doc.get<double>());
    }
    if (type == "number") return doc.is_number();
    return false;
  }

  static bool type_matches(const json& type, const json& doc) {
    if (type.is_string()) return one_type_matches(type.get<std::string>(), doc);
    for (const auto& t : type) {
      if (one_type_matches(t.get<std::string>(), doc)) return true;
    }
    return false;
  }

  void check_enum(const json& options, const json& doc, const std::string& path) {
    for (const auto& option : options) {
      if (doc == option) return;
    }
    error(path, "not one of " + options.dump());
  }

  void check_one_of(const json& options, const json& doc, const std::string& path) {
    int matches = 0;
    for (const auto& option : options) {
      Validator sub(root_);
      sub.check(option, doc, path);
      matches += sub.errors.empty() ? 1 : 0;
    }
    if (matches != 1) error(path, "matches " + std::to_string(matches) + " of the oneOf alternatives, not exactly 1");
  }

  void check_object(const json& schema, const json& doc, const std::string& path) {
    if (schema.contains("required")) {
      for (const auto& key : schema["required"]) {
        if (!doc.contains(key.get<std::string>())) error(path, "missing required '" + key.get<std::string>() + "'");
      }
    }
    const json properties = schema.value("properties", json::object());
    for (const auto& item : doc.items()) {
      std::string sub = path + "." + item.key();
      if (properties.contains(item.key())) {
        check(properties[item.key()], item.value(), sub);
      } else if (schema.contains("additionalProperties")) {
        const json& extra = schema["additionalProperties"];
        if (extra.is_boolean()) {
          if (!extra.get<bool>()) error(sub, "property not allowed");
        } else {
          check(extra, item.value(), sub);
        }
      }
    }
  }

  const json& root_;
};

}  // namespace

std::vector<std::string> validate_draft07(const json& schema, const json& doc) {
  Validator v(schema);
  v.check(schema, doc, "$");
  return v.errors;
}

namespace {

const json kSchema = json::parse(R"({
  "type": "object", "required": ["n", "kind"], "additionalProperties": false,
  "properties": {
    "n": {"type": "integer", "minimum": 1},
    "kind": {"enum": ["a", "b"]},
    "tag": {"const": "t"},
    "list": {"type": "array", "items": {"$ref": "#/definitions/name"}},
    "maybe": {"oneOf": [{"type": "null"}, {"$ref": "#/definitions/name"}]},
    "map": {"type": "object", "additionalProperties": {"type": ["number", "null"]}}
  },
  "definitions": {"name": {"type": "string"}}
})");

TEST(Draft07Validator, AcceptsAValidDocument) {
  json doc = {{"n", 2}, {"kind", "a"}, {"tag", "t"}, {"list", {"x", "y"}}, {"maybe", nullptr},
              {"map", {{"k", 1.5}, {"z", nullptr}}}};
  EXPECT_TRUE(validate_draft07(kSchema, doc).empty());
}

TEST(Draft07Validator, RejectsEachKindOfViolation) {
  const std::vector<std::pair<json, std::string>> cases = {
      {{{"kind", "a"}}, "missing required 'n'"},
      {{{"n", 0}, {"kind", "a"}}, "below minimum"},
      {{{"n", 1.5}, {"kind", "a"}}, "expected type"},
      {{{"n", 1}, {"kind", "c"}}, "not one of"},
      {{{"n", 1}, {"kind", "a"}, {"tag", "u"}}, "expected \"t\""},
      {{{"n", 1}, {"kind", "a"}, {"extra", 1}}, "property not allowed"},
      {{{"n", 1}, {"kind", "a"}, {"list", {"x", 3}}}, "$.list[1]: expected type"},
      {{{"n", 1}, {"kind", "a"}, {"maybe", 3}}, "oneOf"},
      {{{"n", 1}, {"kind", "a"}, {"map", {{"k", "s"}}}}, "$.map.k: expected type"},
  };
  for (const auto& [doc, message] : cases) {
    auto errors = validate_draft07(kSchema, doc);
    ASSERT_EQ(errors.size(), 1u) << doc.dump();
    EXPECT_NE(errors[0].find(message), std::string::npos) << errors[0];
  }
}

TEST(Draft07Validator, ReportsKeywordsOutsideTheSubset) {
  json schema = {{"type", "string"}, {"pattern", "^a"}};
  auto errors = validate_draft07(schema, "abc");
  ASSERT_EQ(errors.size(), 1u);
  EXPECT_NE(errors[0].find("'pattern'"), std::string::npos);
}

}  // namespace
}  // namespace npusim::reports::testing
