/// How a course is placed (Mosaic extension `mosaic_courses.csv`). Advanced levels are
/// the ones whose participation the diagnostic compares across groups.
public enum CourseLevel: String, CaseIterable, Sendable, Codable {
    case general, honors, openHonors, ap, ib, dual, gifted, enrichment, esl, intervention

    /// Honors, open honors, AP, IB, dual enrollment and gifted.
    public var isAdvanced: Bool {
        switch self {
        case .honors, .openHonors, .ap, .ib, .dual, .gifted: true
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
        }
    }
}
