#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// One group, one colour, on every page (issue 23): a group is drawn in the same colour
/// whatever the chart, the page or the other groups beside it. The colours follow Okabe &
/// Ito (2008), darkened where needed so that each has a contrast of at least 3:1 against
/// the white page (WCAG 2.1, 1.4.11 non-text contrast); unknown and hidden are grey.
public enum GroupColour {
    /// The roster's groups (contract `roster.md`) and the NYC snapshot's.
    public static let fixed: [String: String] = [
        // Race and ethnicity.
        "asian": "#0072B2", "black": "#B35806", "hispanic": "#00785A", "white": "#7B3294",
        "multiracial": "#A8437A", "americanIndian": "#6B6B00", "pacificIslander": "#1F6F8B",
        "multiracialOrOther": "#A8437A",
        // Economic disadvantage.
        "disadvantaged": "#B35806", "notDisadvantaged": "#0072B2", "poverty": "#B35806", "notPoverty": "#0072B2",
        // English learners.
        "el": "#00785A", "notEl": "#5E5E5E", "englishLearner": "#00785A", "notEnglishLearner": "#5E5E5E",
        // Disability.
        "iep": "#A8437A", "504": "#7B3294", "none": "#5E5E5E", "disability": "#A8437A", "noDisability": "#5E5E5E",
        // Gender.
        "female": "#A8437A", "male": "#0072B2", "other": "#00785A", "unspecified": "#6B6B00",
    ]

    /// The group's colour: fixed for a known group; race × income takes its race's colour.
    public static func of(_ group: String) -> String {
        if group == "unknown" { return hiddenColour }
        if let c = fixed[group] { return c }
        if let dot = group.firstIndex(of: "·"), let c = fixed[String(group[..<dot])] { return c }
        return "#5E5E5E"
    }

    /// WCAG 2.1 contrast ratio of two `#RRGGBB` colours.
    public static func contrast(_ a: String, _ b: String) -> Double {
        func luminance(_ hex: String) -> Double {
            let v = Int(hex.dropFirst(), radix: 16) ?? 0
            let channels = [(v >> 16) & 0xFF, (v >> 8) & 0xFF, v & 0xFF].map { c -> Double in
                let s = Double(c) / 255
                return s <= 0.03928 ? s / 12.92 : pow((s + 0.055) / 1.055, 2.4)
            }
            return 0.2126 * channels[0] + 0.7152 * channels[1] + 0.0722 * channels[2]
        }
        let (x, y) = (luminance(a), luminance(b))
        return (max(x, y) + 0.05) / (min(x, y) + 0.05)
    }
}
