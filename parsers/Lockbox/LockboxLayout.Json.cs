using System.Text.Json;

namespace CashApp.Parsers.Lockbox;

public sealed partial class LockboxLayout
{
    private static readonly JsonDocumentOptions JsonOptions = new() { AllowTrailingCommas = true, CommentHandling = JsonCommentHandling.Skip };

    private static LockboxLayout FromJson(byte[] json, string source, string fallbackName)
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(json, JsonOptions);
        }
        catch (JsonException ex)
        {
            throw LockboxLayoutException.Create(source, (ex.LineNumber ?? -1) + 1, ex, null, null, LockboxErrors.LayoutUnreadableCode, LockboxErrors.LayoutUnreadable, "not valid JSON: " + ex.Message);
        }

        using (document)
        {
            var root = document.RootElement;
            Expect(source, root, JsonValueKind.Object, "$", "an object");
            var name = fallbackName;
            var recordLength = DefaultRecordLength;
            var currency = DefaultCurrency;
            var records = new Dictionary<char, IReadOnlyList<LockboxField>>();
            LockboxCsvMapping? csv = null;
            foreach (var property in Properties(source, root, "$"))
            {
                var value = property.Value;
                switch (property.Name)
                {
                    case "name":
                        name = String(source, value, "name");
                        break;
                    case "recordLength":
                        recordLength = Int(source, value, "recordLength");
                        break;
                    case "currency":
                        currency = String(source, value, "currency");
                        break;
                    case "description" or "comment" or "$schema":
                        break;
                    case "records":
                        ReadRecords(source, value, records);
                        break;
                    case "csv":
                        csv = LockboxCsvMapping.FromJson(source, value);
                        break;
                    default:
                        throw Bad(source, property.Name, "unknown property; a layout has name, recordLength, currency, records and csv");
                }
            }

            return Create(name, recordLength, records, currency, csv, source);
        }
    }

    private static void ReadRecords(string source, JsonElement value, Dictionary<char, IReadOnlyList<LockboxField>> records)
    {
        Expect(source, value, JsonValueKind.Object, "records", "an object keyed by record type");
        foreach (var record in Properties(source, value, "records"))
        {
            var path = "records." + record.Name;
            if (record.Name.Length != 1)
            {
                throw Bad(source, path, "a record type is one character");
            }

            Expect(source, record.Value, JsonValueKind.Object, path, "an object with \"fields\"");
            var fields = new List<LockboxField>();
            foreach (var part in Properties(source, record.Value, path))
            {
                if (part.Name is "description" or "comment")
                {
                    continue;
                }

                if (part.Name != "fields")
                {
                    throw Bad(source, path + "." + part.Name, "unknown property; a record has \"fields\"");
                }

                Expect(source, part.Value, JsonValueKind.Object, path + ".fields", "an object of \"name\": [start, length]");
                foreach (var field in Properties(source, part.Value, path + ".fields"))
                {
                    var fieldPath = path + ".fields." + field.Name;
                    if (field.Value.ValueKind != JsonValueKind.Array || field.Value.GetArrayLength() != 2)
                    {
                        throw Bad(source, fieldPath, "must be [start column (1-based), length]");
                    }

                    fields.Add(new LockboxField(field.Name, Int(source, field.Value[0], fieldPath + "[0]"), Int(source, field.Value[1], fieldPath + "[1]")));
                }
            }

            records[record.Name[0]] = fields;
        }
    }

    /// <summary>An object's properties, rejecting a name given twice (JSON allows it; a layout must not guess which wins).</summary>
    internal static IEnumerable<JsonProperty> Properties(string source, JsonElement value, string path)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var property in value.EnumerateObject())
        {
            if (!seen.Add(property.Name))
            {
                throw Bad(source, path + "." + property.Name, "the property is given twice");
            }

            yield return property;
        }
    }

    internal static void Expect(string source, JsonElement value, JsonValueKind kind, string path, string what)
    {
        if (value.ValueKind != kind)
        {
            throw Bad(source, path, $"must be {what}, found {value.ValueKind.ToString().ToLowerInvariant()}");
        }
    }

    internal static string String(string source, JsonElement value, string path)
    {
        Expect(source, value, JsonValueKind.String, path, "a string");
        return value.GetString()!;
    }

    internal static int Int(string source, JsonElement value, string path)
    {
        if (value.ValueKind != JsonValueKind.Number || !value.TryGetInt32(out var n))
        {
            throw Bad(source, path, $"must be a whole number, found {value.GetRawText()}");
        }

        return n;
    }

    internal static LockboxLayoutException Bad(string source, string path, string what) =>
        LockboxLayoutException.Create(source, null, path, LockboxErrors.LayoutBadValueCode, LockboxErrors.LayoutBadValue, path, what);

    /// <summary>Writes the layout as a layout file (every record type, the default ones included).</summary>
    public string ToJson()
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = true }))
        {
            writer.WriteStartObject();
            writer.WriteString("name", Name);
            writer.WriteNumber("recordLength", RecordLength);
            writer.WriteString("currency", Currency);
            writer.WriteStartObject("records");
            foreach (var (type, fields) in Records.OrderBy(r => r.Key))
            {
                writer.WriteStartObject(type.ToString());
                writer.WriteStartObject("fields");
                foreach (var field in fields)
                {
                    writer.WriteStartArray(field.Name);
                    writer.WriteNumberValue(field.Start);
                    writer.WriteNumberValue(field.Length);
                    writer.WriteEndArray();
                }

                writer.WriteEndObject();
                writer.WriteEndObject();
            }

            writer.WriteEndObject();
            Csv?.WriteJson(writer);
            writer.WriteEndObject();
        }

        return System.Text.Encoding.UTF8.GetString(buffer.ToArray()).ReplaceLineEndings("\n") + "\n";
    }
}
