/// How a course is placed (Mosaic extension `mosaic_courses.csv`). Advanced levels are
/// the ones whose participation the diagnostic compares across groups.
public enum CourseLevel: String, CaseIterable, Sendable, Codable {
    case general, honors, openHonors, ap, ib, dual, gifted, enrichment, esl, intervention
    /// A self-contained special-education class (contract `roster.md`, added 2026-12).
    case selfContained

    /// Honors, open honors, AP, IB, dual enrollment and gifted.
    public var isAdvanced: Bool {
        switch self {
        case .honors, .openHonors, .ap, .ib, .dual, .gifted: true
        default: false
        }
    }

    /// ESL, intervention and self-contained classes: designated programmes whose students
    /// are placed by need, by design (contract `diagnose.md`, "Attribution of classroom
    /// segregation"). Their separation is information about the programme, never a
    /// scheduling finding.
    public var isDesignatedProgramme: Bool {
        switch self {
        case .esl, .intervention, .selfContained: true
        default: false
        }
    }

    public var title: String {
        switch self {
        case .general: "General"
        case .honors: "Honors"
        case .openHonors: "Open honors"
        case .ap: "AP"
        case .ib: "IB"
        case .dual: "Dual enrollment"
        case .gifted: "Gifted"
        case .enrichment: "Enrichment"
        case .esl: "ESL"
        case .intervention: "Intervention"
        case .selfContained: "Self-contained"
        }
    }
}
