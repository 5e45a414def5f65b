import MosaicCore
import MosaicDiagnostic

/// What a view may show of advanced-course participation beyond each group's own rate.
///
/// A group's rate is hidden by the rate rule (``SuppressionPolicy/suppressesRate(_:of:)``).
/// The statistics that combine groups would give it back: the overall rate times the
/// eligible total, less the shown participants, is the hidden group's participants; a
/// representation index is a rate over the overall rate; a gap is measured from the
/// highest group's rate; "missing" students use the other groups' rates. And the
/// dimensions share their students, so an overall rate shown in one dimension serves
/// against another. Hence, for the district and for each school:
/// - when any dimension hides a group's rate, the overall rate and every representation
///   index are hidden in every dimension;
/// - in a dimension that hides a group, its missing students are hidden, and its gaps
///   too when the highest group is the hidden one.
public struct AdvancedDisclosure: Sendable {
    let policy: SuppressionPolicy?
    /// The district's overall rate (and so its representation indices) is hidden.
    public let districtOverallHidden: Bool
    /// Schools whose overall rate (and representation indices) is hidden.
    public let schoolOverallHidden: Set<String>

    public init(_ d: Diagnostic, policy: SuppressionPolicy?) {
        self.policy = policy
        guard let policy else {
            districtOverallHidden = false
            schoolOverallHidden = []
            return
        }
        func anyHidden(_ groups: [Advanced.Group]) -> Bool {
            groups.contains { $0.eligible > 0 && policy.suppressesRate($0.participants, of: $0.eligible) }
        }
        districtOverallHidden = d.dimensions.contains { anyHidden($0.advanced.groups) }
        schoolOverallHidden = Set(d.dimensions.flatMap { $0.advanced.schools.filter { anyHidden($0.groups) }.map(\.id) })
    }

    /// One group as it may be shown: nil where hidden.
    public struct Shown: Sendable {
        public var eligible: Int?
        public var participants: Int?
        public var rate: Double?
        public var representationIndex: Double?
        public var gapToHighestPP: Double?
        public var missing: Double?
        public var missingToHighest: Double?
        /// The rate rule hides this group's rate.
        public var rateHidden: Bool
    }

    /// A block of groups (the district's, or one school's, in one dimension) as it may be
    /// shown. `school` is nil for the district's block.
    public func shown(_ groups: [Advanced.Group], school: String?) -> [Shown] {
        guard let policy else {
            return groups.map {
                Shown(eligible: $0.eligible, participants: $0.participants, rate: $0.rate, representationIndex: $0.representationIndex,
                      gapToHighestPP: $0.gapToHighestPP, missing: $0.missing, missingToHighest: $0.missingToHighest, rateHidden: false)
            }
        }
        let hidden = groups.map { $0.eligible > 0 && policy.suppressesRate($0.participants, of: $0.eligible) }
        let anyHidden = hidden.contains(true)
        let overallHidden = school.map { schoolOverallHidden.contains($0) } ?? districtOverallHidden
        // The highest group has a gap of 0: when it is hidden, every gap would name its rate.
        let highestHidden = zip(groups, hidden).contains { g, h in h && g.eligible > 0 && abs(g.gapToHighestPP) < 1e-9 }
        return zip(groups, hidden).map { g, h in
            func small(_ x: Double) -> Bool { policy.suppresses(Int(x.rounded())) }
            return Shown(
                eligible: policy.suppresses(g.eligible) ? nil : g.eligible,
                participants: h || policy.suppresses(g.participants) ? nil : g.participants,
                rate: h ? nil : g.rate,
                representationIndex: h || overallHidden ? nil : g.representationIndex,
                gapToHighestPP: h || highestHidden ? nil : g.gapToHighestPP,
                missing: h || anyHidden || small(g.missing) ? nil : g.missing,
                missingToHighest: h || highestHidden || small(g.missingToHighest) ? nil : g.missingToHighest,
                rateHidden: h)
        }
    }

    /// The overall rate of the district (school nil) or of a school, as it may be shown.
    public func overall(_ rate: Double, school: String?) -> Double? {
        guard policy != nil else { return rate }
        return (school.map { schoolOverallHidden.contains($0) } ?? districtOverallHidden) ? nil : rate
    }

    /// A course-enrollment finding states the overall rate and a representation index:
    /// under a hidden overall rate it keeps its outline.
    public func message(_ f: Finding) -> String {
        let stated = f.message(under: policy)
        guard policy != nil, f.level == .courseEnrollment, let outline = f.outline else { return stated }
        let hidden = f.subject == "district" ? districtOverallHidden : schoolOverallHidden.contains(f.subject)
        return hidden ? outline : stated
    }
}
