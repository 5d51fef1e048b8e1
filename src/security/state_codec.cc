// security.json (docs/formats/security.md), read and written with RapidJSON.
#include <rapidjson/document.h>
#include <rapidjson/error/en.h>
#include <rapidjson/prettywriter.h>
#include <rapidjson/stringbuffer.h>

#include "security/security.h"

namespace quanta::security {

namespace {

constexpr int kFormatVersion = 1;

using Writer = rapidjson::PrettyWriter<rapidjson::StringBuffer>;

void Str(Writer& w, std::string_view s) { w.String(s.data(), static_cast<rapidjson::SizeType>(s.size())); }

Status Bad(std::string_view what) {
  return Status(ErrorCode::kCorruption, "bad security state: " + std::string(what));
}

bool GetString(const rapidjson::Value& o, const char* key, std::string* out) {
  auto it = o.FindMember(key);
  if (it == o.MemberEnd() || !it->value.IsString()) return false;
  out->assign(it->value.GetString(), it->value.GetStringLength());
  return true;
}

bool GetStringArray(const rapidjson::Value& o, const char* key, std::set<std::string>* out) {
  auto it = o.FindMember(key);
  if (it == o.MemberEnd()) return true;
  if (!it->value.IsArray()) return false;
  for (const auto& v : it->value.GetArray()) {
    if (!v.IsString()) return false;
    out->emplace(v.GetString(), v.GetStringLength());
  }
  return true;
}

}  // namespace

std::string EncodeState(const State& s) {
  rapidjson::StringBuffer buf;
  Writer w(buf);
  w.StartObject();
  w.Key("format");
  w.Int(kFormatVersion);
  w.Key("enabled");
  w.Bool(s.enabled);
  w.Key("users");
  w.StartArray();
  for (const auto& [name, u] : s.users) {
    w.StartObject();
    w.Key("name");
    Str(w, name);
    if (u.password) {
      w.Key("password");
      w.StartObject();
      w.Key("algorithm");
      w.String("pbkdf2-hmac-sha256");
      w.Key("iterations");
      w.Int(u.password->iterations);
      w.Key("salt");
      Str(w, u.password->salt_hex);
      w.Key("hash");
      Str(w, u.password->hash_hex);
      w.EndObject();
    }
    w.Key("groups");
    w.StartArray();
    for (const auto& g : u.groups) Str(w, g);
    w.EndArray();
    w.EndObject();
  }
  w.EndArray();
  w.Key("groups");
  w.StartArray();
  for (const auto& [name, g] : s.groups) {
    w.StartObject();
    w.Key("name");
    Str(w, name);
    w.EndObject();
  }
  w.EndArray();
  w.Key("sources");
  w.StartArray();
  for (const auto& src : s.sources) {
    w.StartObject();
    w.Key("user");
    Str(w, src.user);
    w.Key("cidr");
    Str(w, src.cidr.ToString());
    w.Key("type");
    Str(w, SourceTypeName(src.type));
    w.EndObject();
  }
  w.EndArray();
  w.Key("grants");
  w.StartArray();
  for (const auto& [grantee, scopes] : s.grants) {
    for (const auto& [scope, perms] : scopes) {
      if (perms.empty()) continue;
      w.StartObject();
      w.Key("grantee");
      Str(w, grantee);
      w.Key("table");
      Str(w, scope);
      w.Key("permissions");
      w.StartArray();
      for (const auto& p : perms) Str(w, p);
      w.EndArray();
      w.EndObject();
    }
  }
  w.EndArray();
  w.EndObject();
  std::string out(buf.GetString(), buf.GetSize());
  out.push_back('\n');
  return out;
}

Result<State> DecodeState(std::string_view json) {
  rapidjson::Document d;
  d.Parse(json.data(), json.size());
  if (d.HasParseError()) return Bad(rapidjson::GetParseError_En(d.GetParseError()));
  if (!d.IsObject()) return Bad("not an object");
  auto fmt = d.FindMember("format");
  if (fmt == d.MemberEnd() || !fmt->value.IsInt() || fmt->value.GetInt() != kFormatVersion) {
    return Bad("unknown format version");
  }
  State s;
  auto en = d.FindMember("enabled");
  if (en == d.MemberEnd() || !en->value.IsBool()) return Bad("enabled");
  s.enabled = en->value.GetBool();
  auto array = [&](const char* key) -> const rapidjson::Value* {
    auto it = d.FindMember(key);
    if (it == d.MemberEnd() || !it->value.IsArray()) return nullptr;
    return &it->value;
  };
  const rapidjson::Value* users = array("users");
  const rapidjson::Value* groups = array("groups");
  const rapidjson::Value* sources = array("sources");
  const rapidjson::Value* grants = array("grants");
  if (!users || !groups || !sources || !grants) return Bad("missing users, groups, sources or grants");
  for (const auto& v : users->GetArray()) {
    if (!v.IsObject()) return Bad("user");
    User u;
    if (!GetString(v, "name", &u.name) || !GetStringArray(v, "groups", &u.groups)) return Bad("user");
    auto pw = v.FindMember("password");
    if (pw != v.MemberEnd()) {
      const auto& p = pw->value;
      PasswordHash h;
      std::string algo;
      auto it = p.IsObject() ? p.FindMember("iterations") : p.MemberEnd();
      if (!p.IsObject() || !GetString(p, "algorithm", &algo) || algo != "pbkdf2-hmac-sha256" ||
          !GetString(p, "salt", &h.salt_hex) || !GetString(p, "hash", &h.hash_hex) ||
          it == p.MemberEnd() || !it->value.IsInt()) {
        return Bad("password of user " + u.name);
      }
      h.iterations = it->value.GetInt();
      u.password = std::move(h);
    }
    std::string name = u.name;
    s.users.emplace(std::move(name), std::move(u));
  }
  for (const auto& v : groups->GetArray()) {
    Group g;
    if (!v.IsObject() || !GetString(v, "name", &g.name)) return Bad("group");
    std::string name = g.name;
    s.groups.emplace(std::move(name), std::move(g));
  }
  for (const auto& v : sources->GetArray()) {
    Source src;
    std::string cidr, type;
    if (!v.IsObject() || !GetString(v, "user", &src.user) || !GetString(v, "cidr", &cidr) ||
        !GetString(v, "type", &type)) {
      return Bad("source");
    }
    auto c = Cidr::Parse(cidr);
    auto t = ParseSourceType(type);
    if (!c.ok() || !t) return Bad("source " + cidr);
    src.cidr = c.value();
    src.type = *t;
    s.sources.push_back(std::move(src));
  }
  for (const auto& v : grants->GetArray()) {
    std::string grantee, table;
    std::set<std::string> perms;
    if (!v.IsObject() || !GetString(v, "grantee", &grantee) || !GetString(v, "table", &table) ||
        !GetStringArray(v, "permissions", &perms)) {
      return Bad("grant");
    }
    s.grants[grantee][table].insert(perms.begin(), perms.end());
  }
  return s;
}

}  // namespace quanta::security
