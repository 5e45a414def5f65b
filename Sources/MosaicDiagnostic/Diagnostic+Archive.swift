import Foundation

extension Diagnostic {
    /// The whole diagnostic as JSON, for the store to keep (not the contract's output,
    /// which ``MosaicReport`` writes for a viewer's role). Lossless: indices that are
    /// not numbers (an empty school) are kept as `"nan"` / `"inf"`.
    public func archived() throws -> String {
        let encoder = JSONEncoder()
        encoder.nonConformingFloatEncodingStrategy = .convertToString(positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
        encoder.outputFormatting = [.sortedKeys]
        return String(decoding: try encoder.encode(self), as: UTF8.self)
    }

    /// A diagnostic kept by ``archived()``.
    public init(archived text: String) throws {
        let decoder = JSONDecoder()
        decoder.nonConformingFloatDecodingStrategy = .convertFromString(positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
        self = try decoder.decode(Diagnostic.self, from: Data(text.utf8))
    }
}
