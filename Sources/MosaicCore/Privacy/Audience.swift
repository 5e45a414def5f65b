/// Who a view is for, which decides what it may contain (DESIGN.md, "Privacy").
///
/// - `public` and `advocate`: aggregates only, every count through the suppression
///   policy, decided across all the tables of the view at once.
/// - `schoolLeader`: their own schools in full; everything else as the public sees it,
///   decided knowing that this reader holds their own schools' counts (so a complement
///   hidden in their school cannot be used against another school).
/// - `districtStaff`: everything in the district, unsuppressed.
public enum Audience: Sendable, Hashable {
    case `public`
    case advocate
    case schoolLeader(schools: [String])
    case districtStaff

    /// The schools whose counts this reader knows in full.
    public var knownSchools: Set<String> {
        if case .schoolLeader(let schools) = self { return Set(schools) }
        return []
    }

    /// True for the district's own staff: nothing is hidden from them.
    public var seesEverything: Bool { self == .districtStaff }

    /// A short key for caches: two audiences with the same key see the same view.
    public var cacheKey: String {
        switch self {
        case .public, .advocate: "public"
        case .schoolLeader(let schools): "leader:" + schools.sorted().joined(separator: ",")
        case .districtStaff: "district"
        }
    }
}
