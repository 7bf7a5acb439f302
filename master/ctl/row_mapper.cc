#include "master/ctl/row_mapper.h"

#include "master/ctl/entity_kind.h"
#include "master/ctl/text.h"

namespace provisor::ctl {
namespace {

std::string KindChoices() {
  std::string choices;
  for (v1::EntityKind kind : kManagedKinds) {
    choices += (choices.empty() ? "" : "|") + std::string(KindName(kind));
  }
  return choices;
}

}  // namespace

StatusOr<RowMapper> RowMapper::Create(const std::vector<std::string>& header,
                                      std::optional<v1::EntityKind> kind,
                                      std::string base_dir) {
  RowMapper mapper;
  mapper.header_ = header;
  mapper.kind_ = kind;
  mapper.base_dir_ = std::move(base_dir);
  for (size_t i = 0; i < header.size(); ++i) {
    if (Lower(Trim(header[i])) == "kind") {
      if (mapper.kind_column_ >= 0) return InvalidArgumentError("duplicate column 'kind'");
      mapper.kind_column_ = static_cast<int>(i);
    }
  }
  if (!kind && mapper.kind_column_ < 0) {
    return InvalidArgumentError("the header has no 'kind' column; pass --kind " +
                                KindChoices());
  }
  std::vector<v1::EntityKind> kinds;
  if (kind) {
    kinds.push_back(*kind);
  } else {
    kinds.assign(std::begin(kManagedKinds), std::end(kManagedKinds));
  }
  for (v1::EntityKind k : kinds) mapper.columns_[k].resize(header.size());
  std::map<std::pair<v1::EntityKind, std::string>, std::string> seen;
  for (size_t i = 0; i < header.size(); ++i) {
    if (static_cast<int>(i) == mapper.kind_column_) continue;
    bool known = false;
    for (v1::EntityKind k : kinds) {
      StatusOr<FieldRef> field = ResolveField(k, header[i]);
      if (!field.ok()) continue;
      known = true;
      // Two spellings of one field ("ID" and "id") would silently overwrite.
      std::string identity = std::to_string(static_cast<int>(field->id)) + "/" +
                             std::to_string(field->index) + "/" + field->key;
      auto [it, inserted] = seen.emplace(std::make_pair(k, identity), header[i]);
      if (!inserted) {
        return InvalidArgumentError("columns '" + it->second + "' and '" + header[i] +
                                    "' set the same field");
      }
      mapper.columns_[k][i] = std::move(*field);
    }
    if (!known) {
      if (kind) {
        return InvalidArgumentError("unknown column '" + header[i] + "' for " +
                                    std::string(KindPlural(*kind)));
      }
      return InvalidArgumentError("unknown column '" + header[i] + "' (not a field of any kind)");
    }
  }
  return mapper;
}

StatusOr<v1::Entity> RowMapper::Map(const std::vector<std::string>& fields) const {
  if (fields.size() != header_.size()) {
    return InvalidArgumentError(std::to_string(fields.size()) + " fields, the header has " +
                                std::to_string(header_.size()));
  }
  v1::EntityKind kind = v1::ENTITY_KIND_UNSPECIFIED;
  if (kind_column_ >= 0) {
    const std::string_view cell = Trim(fields[kind_column_]);
    if (!cell.empty()) {
      std::optional<v1::EntityKind> row_kind = ParseKind(cell);
      if (!row_kind || !columns_.contains(*row_kind)) {
        return InvalidArgumentError("kind: '" + std::string(cell) + "' is not one of " +
                                    KindChoices());
      }
      if (kind_ && *row_kind != *kind_) {
        return InvalidArgumentError("kind: '" + std::string(cell) + "' but --kind is " +
                                    std::string(KindName(*kind_)));
      }
      kind = *row_kind;
    }
  }
  if (kind_) kind = *kind_;
  if (kind == v1::ENTITY_KIND_UNSPECIFIED) return InvalidArgumentError("kind is empty");

  v1::Entity entity;
  MutablePayload(kind, &entity);
  const std::vector<std::optional<FieldRef>>& columns = columns_.at(kind);
  for (size_t i = 0; i < fields.size(); ++i) {
    if (static_cast<int>(i) == kind_column_ || Trim(fields[i]).empty()) continue;
    if (!columns[i]) {
      return InvalidArgumentError("column '" + header_[i] + "' does not apply to " +
                                  std::string(KindPlural(kind)));
    }
    PROVISOR_RETURN_IF_ERROR(ApplyField(*columns[i], fields[i], base_dir_, &entity));
  }
  NormalizeEntity(&entity);
  return entity;
}

}  // namespace provisor::ctl
