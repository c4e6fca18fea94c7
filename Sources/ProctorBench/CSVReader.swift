import ProctorCore

/// RFC 4180 CSV: comma-separated fields, double quotes around fields that hold commas,
/// quotes or newlines, `""` for a quote inside them. Quoted fields may span lines, so each
/// record reports the line it starts on.
enum CSVReader {
    struct Record {
        var fields: [String]
        var line: Int
    }

    static func records(_ text: String, file: String) throws -> [Record] {
        var records: [Record] = []
        var fields: [String] = []
        var field = String.UnicodeScalarView()
        var inQuotes = false
        var line = 1
        var recordLine = 1
        var fieldStarted = false
        var iterator = text.unicodeScalars.makeIterator()
        var pending: UnicodeScalar? = nil

        func endRecord() {
            fields.append(String(field))
            field = String.UnicodeScalarView()
            if !(fields.count == 1 && fields[0].isEmpty) { records.append(Record(fields: fields, line: recordLine)) }
            fields = []
            fieldStarted = false
        }

        while let scalar = pending ?? iterator.next() {
            pending = nil
            if inQuotes {
                if scalar == "\"" {
                    if let next = iterator.next() {
                        if next == "\"" {
                            field.append("\"")
                        } else {
                            inQuotes = false
                            pending = next
                        }
                    } else {
                        inQuotes = false
                    }
                } else {
                    if scalar == "\n" { line += 1 }
                    field.append(scalar)
                }
                continue
            }
            switch scalar {
            case "\"" where field.isEmpty && !fieldStarted:
                inQuotes = true
                fieldStarted = true
            case ",":
                fields.append(String(field))
                field = String.UnicodeScalarView()
                fieldStarted = false
            case "\r":
                break
            case "\n":
                endRecord()
                line += 1
                recordLine = line
            default:
                field.append(scalar)
                fieldStarted = true
            }
        }
        if inQuotes {
            throw ProctorError.invalidValue(
                "csv", "a quoted field that starts here never ends", file: file, line: recordLine)
        }
        if !field.isEmpty || !fields.isEmpty { endRecord() }
        return records
    }
}
