import MosaicCore
import MosaicDiagnostic

extension Diagnostic {
    /// The contract JSON as a viewer may see it: `policy` nil for the district view,
    /// otherwise the public view, where every object holding a suppressed value (`null`)
    /// also says `"suppressed": true` (contract `service.md`).
    public func scopedJSON(policy: SuppressionPolicy?) -> JSONValue {
        scopedJSON(DiagnosticDisclosure(self, audience: policy == nil ? .districtStaff : .public, policy: policy))
    }

    /// The contract JSON as one audience may see it (see ``scopedJSON(policy:)``).
    public func scopedJSON(_ disclosure: DiagnosticDisclosure) -> JSONValue {
        let full = json(disclosure)
        return disclosure.showsEverything ? full : full.markingSuppressed()
    }

    /// One school's part of ``scopedJSON(policy:)``: its rows of every dimension (across
    /// schools, within schools, advanced coursework) and the findings about it. Taken
    /// from the whole suppressed document, so complementary suppression still holds.
    /// Nil when the diagnostic has no such school.
    public func schoolJSON(_ id: String, policy: SuppressionPolicy?) -> JSONValue? {
        schoolJSON(id, DiagnosticDisclosure(self, audience: policy == nil ? .districtStaff : .public, policy: policy))
    }

    /// One school's part of the JSON as one audience may see it.
    public func schoolJSON(_ id: String, _ disclosure: DiagnosticDisclosure) -> JSONValue? {
        guard dimensions.contains(where: { $0.acrossSchools.schools.contains { $0.id == id } }) else { return nil }
        let whole = scopedJSON(disclosure)
        func row(_ list: JSONValue?) -> JSONValue {
            list?.elements?.first { $0["id"] == .string(id) } ?? .null
        }
        var dimensionsOut: [(String, JSONValue)] = []
        for (name, block) in whole["dimensions"]?.members ?? [] {
            dimensionsOut.append((name, .object([
                ("acrossSchools", row(block["acrossSchools"]?["schools"])),
                ("withinSchools", row(block["withinSchools"]?["schools"])),
                ("advanced", row(block["advanced"]?["schools"])),
            ])))
        }
        let findings = (whole["findings"]?.elements ?? []).filter { $0["subject"] == .string(id) }
        let name = dimensions.lazy.compactMap { $0.acrossSchools.schools.first { $0.id == id }?.name }.first ?? id
        var out: [(String, JSONValue)] = [
            ("school", .object([("id", .string(id)), ("name", .string(name))])),
            ("term", whole["term"] ?? .null),
            ("dimensions", .object(dimensionsOut)),
            ("findings", .array(findings)),
        ]
        if let s = whole["suppression"] { out.append(("suppression", s)) }
        return .object(out)
    }
}

extension JSONValue {
    /// An object's value for `key`.
    public subscript(key: String) -> JSONValue? {
        guard case .object(let members) = self else { return nil }
        return members.first { $0.0 == key }?.1
    }

    public var members: [(String, JSONValue)]? {
        if case .object(let m) = self { m } else { nil }
    }

    public var elements: [JSONValue]? {
        if case .array(let a) = self { a } else { nil }
    }

    /// Adds `"suppressed": true` to every object with a `null` member, at any depth.
    func markingSuppressed() -> JSONValue {
        switch self {
        case .object(let members):
            var out = members.map { ($0.0, $0.1.markingSuppressed()) }
            if members.contains(where: { $0.1 == .null }) && !members.contains(where: { $0.0 == "suppressed" }) {
                out.append(("suppressed", .bool(true)))
            }
            return .object(out)
        case .array(let a): return .array(a.map { $0.markingSuppressed() })
        default: return self
        }
    }
}
