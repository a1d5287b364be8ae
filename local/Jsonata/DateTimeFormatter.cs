using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;

namespace Jsonata;

/// <summary>$fromMillis/$toMillis/$now with XPath picture strings, as the reference implements them.</summary>
internal static partial class DateTimeFormatter
{
    private sealed class PicturePart
    {
        public bool IsLiteral;
        public string Value = string.Empty;
        public char Component;
        public string? Presentation1;
        public string? Presentation2;
        public bool Ordinal;
        public string? Names; // upper, lower, title
        public int? WidthMin;
        public int? WidthMax;
        public bool HasWidth;
        public IntegerFormat? IntegerFormat;
        public int N = -1;
    }

    /// <summary>A regex fragment plus how to turn what it matched into a number.</summary>
    internal sealed class Matcher
    {
        public string Regex = string.Empty;
        public Func<string, object?> Parse = _ => null;
        public char Component;
    }

    private static readonly string[] Days = ["", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"];
    private static readonly string[] Months =
        ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December"];
    private const double MillisInADay = 86400000;

    private static readonly Dictionary<char, string> DefaultPresentation = new()
    {
        ['Y'] = "1", ['M'] = "1", ['D'] = "1", ['d'] = "1", ['F'] = "n", ['W'] = "1", ['w'] = "1", ['X'] = "1", ['x'] = "1",
        ['H'] = "1", ['h'] = "1", ['P'] = "n", ['m'] = "01", ['s'] = "01", ['f'] = "1", ['Z'] = "01:01", ['z'] = "01:01",
        ['C'] = "n", ['E'] = "n",
    };

    private static List<PicturePart>? _iso8601;

    // State machines format with a handful of fixed pictures; analysed parts are never mutated, so they can be shared.
    private static readonly System.Collections.Concurrent.ConcurrentDictionary<string, List<PicturePart>> FormattingPictures = new(StringComparer.Ordinal);
    private const int MaxRememberedPictures = 256;

    private static List<PicturePart> AnalyseAndRemember(string picture)
    {
        var spec = AnalysePicture(picture);
        if (FormattingPictures.Count < MaxRememberedPictures) FormattingPictures.TryAdd(picture, spec);
        return spec;
    }

    private static List<PicturePart> AnalysePicture(string picture)
    {
        var spec = new List<PicturePart>();
        void AddLiteral(int s, int e)
        {
            if (e > s) spec.Add(new PicturePart { IsLiteral = true, Value = picture[s..e].Replace("]]", "]") });
        }
        int start = 0, pos = 0;
        while (pos < picture.Length)
        {
            if (picture[pos] == '[')
            {
                if (pos + 1 < picture.Length && picture[pos + 1] == '[')
                {
                    AddLiteral(start, pos);
                    spec.Add(new PicturePart { IsLiteral = true, Value = "[" });
                    pos += 2;
                    start = pos;
                    continue;
                }
                AddLiteral(start, pos);
                start = pos;
                pos = picture.IndexOf(']', start);
                if (pos == -1) throw new JsonataException("D3135", null);
                var marker = Regex.Replace(picture[(start + 1)..pos], @"\s+", string.Empty);
                var def = new PicturePart { Component = marker.Length > 0 ? marker[0] : '\0' };
                var comma = marker.LastIndexOf(',');
                string presMod;
                if (comma != -1)
                {
                    var widthMod = marker[(comma + 1)..];
                    var dash = widthMod.IndexOf('-');
                    string? min, max = null;
                    if (dash == -1) min = widthMod;
                    else
                    {
                        min = widthMod[..dash];
                        max = widthMod[(dash + 1)..];
                    }
                    def.HasWidth = true;
                    def.WidthMin = ParseWidth(min);
                    def.WidthMax = ParseWidth(max);
                    presMod = marker[1..comma];
                }
                else
                {
                    presMod = marker.Length > 0 ? marker[1..] : string.Empty;
                }
                if (presMod.Length == 1)
                {
                    def.Presentation1 = presMod;
                }
                else if (presMod.Length > 1)
                {
                    var lastChar = presMod[^1];
                    if ("atco".Contains(lastChar))
                    {
                        def.Presentation2 = lastChar.ToString();
                        if (lastChar == 'o') def.Ordinal = true;
                        def.Presentation1 = presMod[..^1];
                    }
                    else
                    {
                        def.Presentation1 = presMod;
                    }
                }
                else
                {
                    def.Presentation1 = DefaultPresentation.GetValueOrDefault(def.Component);
                }
                if (def.Presentation1 == null) throw new JsonataException("D3132", null, value: def.Component.ToString());
                if (def.Presentation1[0] == 'n')
                {
                    def.Names = "lower";
                }
                else if (def.Presentation1[0] == 'N')
                {
                    def.Names = def.Presentation1.Length > 1 && def.Presentation1[1] == 'n' ? "title" : "upper";
                }
                else if ("YMDdFWwXxHhmsf".Contains(def.Component))
                {
                    var integerPattern = def.Presentation1;
                    if (def.Presentation2 != null) integerPattern += ";" + def.Presentation2;
                    def.IntegerFormat = IntegerFormatter.Analyse(integerPattern);
                    if (def.WidthMin is { } wmin && def.IntegerFormat.MandatoryDigits < wmin) def.IntegerFormat.MandatoryDigits = wmin;
                    if (def.Component == 'Y')
                    {
                        def.N = -1;
                        if (def.WidthMax is { } wmax)
                        {
                            def.N = wmax;
                            def.IntegerFormat.MandatoryDigits = def.N;
                        }
                        else
                        {
                            var w = def.IntegerFormat.MandatoryDigits + def.IntegerFormat.OptionalDigits;
                            if (w >= 2) def.N = w;
                        }
                    }
                    var previous = spec.Count > 0 ? spec[^1] : null;
                    if (previous?.IntegerFormat != null) previous.IntegerFormat.ParseWidth = previous.IntegerFormat.MandatoryDigits;
                }
                if (def.Component is 'Z' or 'z') def.IntegerFormat = IntegerFormatter.Analyse(def.Presentation1);
                spec.Add(def);
                start = pos + 1;
            }
            pos++;
        }
        AddLiteral(start, pos);
        return spec;
    }

    private static int? ParseWidth(string? wm)
    {
        if (wm == null || wm == "*") return null;
        var m = Regex.Match(wm, @"^\s*[-+]?\d+");
        return m.Success ? int.Parse(m.Value, CultureInfo.InvariantCulture) : null;
    }

    // ---------------- calendar arithmetic (UTC, like the reference's Date.UTC) ----------------

    private static double DateUtc(double year, double month, double day = 1, double hour = 0, double minute = 0, double second = 0, double ms = 0)
    {
        if (double.IsNaN(year) || double.IsNaN(month) || double.IsInfinity(year)) return double.NaN;
        var y = year + Math.Floor(month / 12);
        var m = ((month % 12) + 12) % 12;
        var days = DaysFromCivil((long)y, (int)m + 1, 1) + (day - 1);
        return days * MillisInADay + hour * 3600000 + minute * 60000 + second * 1000 + ms;
    }

    private static long DaysFromCivil(long y, int m, int d)
    {
        y -= m <= 2 ? 1 : 0;
        var era = (y >= 0 ? y : y - 399) / 400;
        var yoe = y - era * 400;
        var doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
        var doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
        return era * 146097 + doe - 719468;
    }

    private readonly record struct Civil(long Year, int Month, int Day, int Hour, int Minute, int Second, int Millisecond, int DayOfWeek);

    private static Civil ToCivil(double millis)
    {
        var days = (long)Math.Floor(millis / MillisInADay);
        var msOfDay = (long)(millis - days * MillisInADay);
        var z = days + 719468;
        var era = (z >= 0 ? z : z - 146096) / 146097;
        var doe = z - era * 146097;
        var yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
        var y = yoe + era * 400;
        var doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
        var mp = (5 * doy + 2) / 153;
        var d = (int)(doy - (153 * mp + 2) / 5 + 1);
        var m = (int)(mp < 10 ? mp + 3 : mp - 9);
        if (m <= 2) y++;
        var dow = (int)(((days % 7) + 11) % 7); // 1970-01-01 was a Thursday (4)
        return new Civil(y, m, d, (int)(msOfDay / 3600000), (int)(msOfDay / 60000 % 60), (int)(msOfDay / 1000 % 60), (int)(msOfDay % 1000), dow);
    }

    private static double StartOfFirstWeek(long year, int month0)
    {
        var jan1 = DateUtc(year, month0);
        var dayOfJan1 = ToCivil(jan1).DayOfWeek;
        if (dayOfJan1 == 0) dayOfJan1 = 7;
        return dayOfJan1 > 4 ? jan1 + (8 - dayOfJan1) * MillisInADay : jan1 - (dayOfJan1 - 1) * MillisInADay;
    }

    private static double DeltaWeeks(double start, double end) => (end - start) / (MillisInADay * 7) + 1;

    private static object? Fragment(double millis, char component)
    {
        var date = ToCivil(millis);
        switch (component)
        {
            case 'Y': return (double)date.Year;
            case 'M': return (double)date.Month;
            case 'D': return (double)date.Day;
            case 'd':
            {
                var today = DateUtc(date.Year, date.Month - 1, date.Day);
                var firstJan = DateUtc(date.Year, 0);
                return (today - firstJan) / MillisInADay + 1;
            }
            case 'F': return (double)(date.DayOfWeek == 0 ? 7 : date.DayOfWeek);
            case 'W':
            {
                var startOfWeek1 = StartOfFirstWeek(date.Year, 0);
                var today = DateUtc(date.Year, date.Month - 1, date.Day);
                var week = DeltaWeeks(startOfWeek1, today);
                if (week > 52)
                {
                    if (today >= StartOfFirstWeek(date.Year + 1, 0)) week = 1;
                }
                else if (week < 1)
                {
                    week = DeltaWeeks(StartOfFirstWeek(date.Year - 1, 0), today);
                }
                return Math.Floor(week);
            }
            case 'w':
            {
                var startOfWeek1 = StartOfFirstWeek(date.Year, date.Month - 1);
                var today = DateUtc(date.Year, date.Month - 1, date.Day);
                var week = DeltaWeeks(startOfWeek1, today);
                if (week > 4)
                {
                    var (ny, nm) = date.Month == 12 ? (date.Year + 1, 0) : (date.Year, date.Month);
                    if (today >= StartOfFirstWeek(ny, nm)) week = 1;
                }
                else if (week < 1)
                {
                    var (py, pm) = date.Month == 1 ? (date.Year - 1, 11) : (date.Year, date.Month - 2);
                    week = DeltaWeeks(StartOfFirstWeek(py, pm), today);
                }
                return Math.Floor(week);
            }
            case 'X':
            {
                var startIso = StartOfFirstWeek(date.Year, 0);
                var endIso = StartOfFirstWeek(date.Year + 1, 0);
                if (millis < startIso) return (double)(date.Year - 1);
                if (millis >= endIso) return (double)(date.Year + 1);
                return (double)date.Year;
            }
            case 'x':
            {
                var startIso = StartOfFirstWeek(date.Year, date.Month - 1);
                var (ny, nm) = date.Month == 12 ? (date.Year + 1, 0) : (date.Year, date.Month);
                var endIso = StartOfFirstWeek(ny, nm);
                if (millis < startIso) return (double)(date.Month == 1 ? 12 : date.Month - 1);
                if (millis >= endIso) return (double)(nm + 1);
                return (double)date.Month;
            }
            case 'H': return (double)date.Hour;
            case 'h':
            {
                var h = date.Hour % 12;
                return (double)(h == 0 ? 12 : h);
            }
            case 'P': return date.Hour >= 12 ? "pm" : "am";
            case 'm': return (double)date.Minute;
            case 's': return (double)date.Second;
            case 'f': return (double)date.Millisecond;
            case 'C':
            case 'E':
                return "ISO";
            default:
                return null;
        }
    }

    // ---------------- formatting ----------------

    public static object? FromMillis(double millis, string? picture, string? timezone)
    {
        var offsetHours = 0;
        var offsetMinutes = 0;
        if (timezone != null)
        {
            var offset = ParseIntPrefix(timezone);
            offsetHours = (int)Math.Floor(offset / 100.0);
            offsetMinutes = offset % 100;
        }
        List<PicturePart> spec;
        if (picture == null)
        {
            spec = _iso8601 ??= AnalysePicture("[Y0001]-[M01]-[D01]T[H01]:[m01]:[s01].[f001][Z01:01t]");
        }
        else
        {
            spec = FormattingPictures.TryGetValue(picture, out var cached) ? cached : AnalyseAndRemember(picture);
        }
        var offsetMillis = (60 * offsetHours + offsetMinutes) * 60 * 1000;
        var dateTime = millis + offsetMillis;
        var sb = new StringBuilder();
        foreach (var part in spec)
        {
            if (part.IsLiteral) sb.Append(part.Value);
            else sb.Append(FormatComponent(dateTime, part, offsetHours, offsetMinutes));
        }
        return sb.ToString();
    }

    private static int ParseIntPrefix(string s)
    {
        var m = Regex.Match(s, @"^\s*[-+]?\d+");
        return m.Success ? int.Parse(m.Value, CultureInfo.InvariantCulture) : 0;
    }

    private static string FormatComponent(double date, PicturePart marker, int offsetHours, int offsetMinutes)
    {
        var componentValue = Fragment(date, marker.Component);
        if ("YMDdFWwXxHhms".Contains(marker.Component))
        {
            if (marker.Component == 'Y' && marker.N != -1)
            {
                componentValue = (double)componentValue! % Math.Pow(10, marker.N);
            }
            if (marker.Names != null)
            {
                string name;
                if (marker.Component is 'M' or 'x') name = Months[(int)(double)componentValue! - 1];
                else if (marker.Component == 'F') name = Days[(int)(double)componentValue!];
                else throw new JsonataException("D3133", null, value: marker.Component.ToString());
                if (marker.Names == "upper") name = name.ToUpperInvariant();
                else if (marker.Names == "lower") name = name.ToLowerInvariant();
                if (marker.WidthMax is { } max && name.Length > max) name = name[..max];
                return name;
            }
            return IntegerFormatter.FormatInteger((double)componentValue!, marker.IntegerFormat!);
        }
        if (marker.Component == 'f') return IntegerFormatter.FormatInteger((double)componentValue!, marker.IntegerFormat!);
        if (marker.Component is 'Z' or 'z')
        {
            var offset = offsetHours * 100 + offsetMinutes;
            string result;
            if (marker.IntegerFormat!.Regular)
            {
                result = IntegerFormatter.FormatInteger(offset, marker.IntegerFormat);
            }
            else
            {
                var numDigits = marker.IntegerFormat.MandatoryDigits;
                if (numDigits is 1 or 2)
                {
                    result = IntegerFormatter.FormatInteger(offsetHours, marker.IntegerFormat);
                    if (offsetMinutes != 0) result += ":" + IntegerFormatter.Format(offsetMinutes, "00");
                }
                else if (numDigits is 3 or 4)
                {
                    result = IntegerFormatter.FormatInteger(offset, marker.IntegerFormat);
                }
                else
                {
                    throw new JsonataException("D3134", null, value: (double)numDigits);
                }
            }
            if (offset >= 0) result = "+" + result;
            if (marker.Component == 'z') result = "GMT" + result;
            if (offset == 0 && marker.Presentation2 == "t") result = "Z";
            return result;
        }
        if (marker.Component == 'P')
        {
            var s = (string)componentValue!;
            return marker.Names == "upper" ? s.ToUpperInvariant() : s;
        }
        if (componentValue == null) throw new JsonataException("D3132", null, value: marker.Component.ToString());
        return componentValue as string ?? Values.FormatNumber((double)componentValue);
    }

    // ---------------- parsing ----------------

    internal static Matcher IntegerMatcher(IntegerFormat format)
    {
        var matcher = new Matcher();
        var isUpper = format.Case == "upper";
        switch (format.Primary)
        {
            case "letters":
                matcher.Regex = isUpper ? "[A-Z]+" : "[a-z]+";
                matcher.Parse = v => IntegerFormatter.LettersToDecimal(v, isUpper ? 'A' : 'a');
                break;
            case "roman":
                matcher.Regex = isUpper ? "[MDCLXVI]+" : "[mdclxvi]+";
                matcher.Parse = v => IntegerFormatter.RomanToDecimal(isUpper ? v : v.ToUpperInvariant());
                break;
            case "words":
                matcher.Regex = "(?:" + string.Join("|", IntegerFormatter.WordValues.Keys.Concat(["and", "[\\-, ]"])) + ")+";
                matcher.Parse = v => IntegerFormatter.WordsToNumber(v.ToLowerInvariant());
                break;
            case "decimal":
                matcher.Regex = "[0-9]" + (format.ParseWidth > 0 ? "{" + format.ParseWidth.ToString(CultureInfo.InvariantCulture) + "}" : "+");
                if (format.Ordinal) matcher.Regex += "(?:th|st|nd|rd)";
                matcher.Parse = v =>
                {
                    var digits = v;
                    if (format.Ordinal) digits = digits[..^2];
                    if (format.Regular) digits = digits.Replace(",", string.Empty);
                    else foreach (var sep in format.GroupingSeparators) digits = digits.Replace(sep.Character, string.Empty);
                    if (format.ZeroCode != 0x30)
                    {
                        var sb = new StringBuilder();
                        foreach (var c in digits) sb.Append((char)(c - format.ZeroCode + 0x30));
                        digits = sb.ToString();
                    }
                    var m = Regex.Match(digits, @"^\s*[-+]?\d+");
                    return m.Success ? double.Parse(m.Value, CultureInfo.InvariantCulture) : double.NaN;
                };
                break;
            default:
                throw new JsonataException("D3130", null, value: format.Token);
        }
        return matcher;
    }

    private static Matcher PartMatcher(PicturePart part)
    {
        Matcher res;
        if (part.IsLiteral)
        {
            res = new Matcher { Regex = Regex.Escape(part.Value).Replace("]", "\\]").Replace("}", "\\}") };
        }
        else if (part.Component is 'Z' or 'z')
        {
            (int Position, string Character)? separator = part.IntegerFormat!.Regular ? part.IntegerFormat.GroupingSeparators[0] : null;
            var regex = part.Component == 'z' ? "GMT" : string.Empty;
            regex += "[-+][0-9]+";
            if (separator != null) regex += Regex.Escape(separator.Value.Character) + "[0-9]+";
            res = new Matcher
            {
                Regex = regex,
                Parse = value =>
                {
                    if (part.Component == 'z') value = value[3..];
                    int hours, minutes = 0;
                    if (separator != null)
                    {
                        var idx = value.IndexOf(separator.Value.Character, StringComparison.Ordinal);
                        hours = ParseIntPrefix(value[..idx]);
                        minutes = ParseIntPrefix(value[(idx + 1)..]);
                    }
                    else
                    {
                        var numDigits = value.Length - 1;
                        if (numDigits <= 2) hours = ParseIntPrefix(value);
                        else
                        {
                            hours = ParseIntPrefix(value[..3]);
                            minutes = ParseIntPrefix(value[3..]);
                        }
                    }
                    return (double)(hours * 60 + minutes);
                },
            };
        }
        else if (part.Component == 'f')
        {
            res = new Matcher
            {
                Regex = "[0-9]+",
                Parse = value => double.Parse("0." + value[..Math.Min(3, value.Length)], CultureInfo.InvariantCulture) * 1000,
            };
        }
        else if (part.IntegerFormat != null)
        {
            res = IntegerMatcher(part.IntegerFormat);
        }
        else
        {
            var lookup = new Dictionary<string, double>(StringComparer.Ordinal);
            if (part.Component is 'M' or 'x')
            {
                for (var i = 0; i < Months.Length; i++)
                {
                    var name = part.WidthMax is { } max and > 0 ? Months[i][..Math.Min(max, Months[i].Length)] : Months[i];
                    lookup[name] = i + 1;
                }
            }
            else if (part.Component == 'F')
            {
                for (var i = 1; i < Days.Length; i++)
                {
                    var name = part.WidthMax is { } max and > 0 ? Days[i][..Math.Min(max, Days[i].Length)] : Days[i];
                    lookup[name] = i;
                }
            }
            else if (part.Component == 'P')
            {
                lookup = new Dictionary<string, double> { ["am"] = 0, ["AM"] = 0, ["pm"] = 1, ["PM"] = 1 };
            }
            else
            {
                throw new JsonataException("D3133", null, value: part.Component.ToString());
            }
            res = new Matcher { Regex = "[a-zA-Z]+", Parse = v => lookup.TryGetValue(v, out var n) ? n : null };
        }
        res.Component = part.Component;
        return res;
    }

    private static object? ParseDateTime(string timestamp, string picture, DateTimeOffset now)
    {
        var spec = AnalysePicture(picture);
        var parts = spec.Select(PartMatcher).ToList();
        var full = "^" + string.Concat(parts.Select(p => "(" + p.Regex + ")")) + "$";
        var info = Regex.Match(timestamp, full, RegexOptions.IgnoreCase | RegexOptions.CultureInvariant);
        if (!info.Success) return null;
        var components = new Dictionary<char, double?>();
        for (var i = 1; i < info.Groups.Count; i++)
        {
            var mpart = parts[i - 1];
            if (spec[i - 1].IsLiteral) continue;
            components[mpart.Component] = mpart.Parse(info.Groups[i].Value) as double?;
        }
        if (components.Count == 0) return null;

        var mask = 0;
        void Shift(bool bit) => mask = (mask << 1) + (bit ? 1 : 0);
        bool IsType(int type) => (~type & mask) == 0 && (type & mask) != 0;
        foreach (var c in "YXMxWwdD") Shift(Truthy(components, c));
        var dateA = IsType(161);
        var dateB = !dateA && IsType(130);
        var dateC = IsType(84);
        var dateD = !dateC && IsType(72);
        mask = 0;
        foreach (var c in "PHhmsf") Shift(Truthy(components, c));
        var timeA = IsType(23);
        var timeB = !timeA && IsType(47);

        var dateComps = dateB ? "YD" : dateC ? "XxwF" : dateD ? "XWF" : "YMD";
        var timeComps = timeB ? "Phmsf" : "Hmsf";
        var comps = dateComps + timeComps;
        var nowMillis = (double)now.ToUnixTimeMilliseconds();
        var startSpecified = false;
        var endSpecified = false;
        foreach (var part in comps)
        {
            if (!components.TryGetValue(part, out var existing) || existing == null)
            {
                if (startSpecified)
                {
                    components[part] = "MDd".Contains(part) ? 1 : 0;
                    endSpecified = true;
                }
                else
                {
                    components[part] = Fragment(nowMillis, part) as double?;
                }
            }
            else
            {
                startSpecified = true;
                if (endSpecified) throw new JsonataException("D3136", null);
            }
        }
        double Get(char c) => components.TryGetValue(c, out var v) && v is { } d ? d : double.NaN;
        var month = Get('M') > 0 ? Get('M') - 1 : 0;
        var day = Get('D');
        if (dateB)
        {
            var firstJan = DateUtc(Get('Y'), 0);
            var derived = ToCivil(firstJan + (Get('d') - 1) * MillisInADay);
            month = derived.Month - 1;
            day = derived.Day;
        }
        if (dateC || dateD) throw new JsonataException("D3136", null);
        var hour = Get('H');
        if (timeB)
        {
            hour = Get('h') == 12 ? 0 : Get('h');
            if (Get('P') == 1) hour += 12;
        }
        var millis = DateUtc(Get('Y'), month, day, hour, Get('m'), Get('s'), Get('f'));
        var tz = components.TryGetValue('Z', out var zv) && zv is { } zd && zd != 0 ? zd
            : components.TryGetValue('z', out var zv2) && zv2 is { } zd2 ? zd2 : 0;
        millis -= tz * 60 * 1000;
        if (double.IsNaN(millis)) return null;
        return millis;
    }

    private static bool Truthy(Dictionary<char, double?> components, char c) =>
        components.TryGetValue(c, out var v) && v is { } d && d != 0 && !double.IsNaN(d);

    // ASCII digits, as JavaScript's \d: .NET's \d would also accept other scripts' digits, which int.Parse rejects.
    [GeneratedRegex(@"^[0-9]{4}(-[01][0-9])?(-[0-3][0-9])?(T[0-2][0-9]:[0-5][0-9]:[0-5][0-9])?(\.[0-9]+)?([+-][0-2][0-9]:?[0-5][0-9]|Z)?$")]
    private static partial Regex Iso8601();

    public static object? ToMillis(string timestamp, string? picture, DateTimeOffset now)
    {
        if (picture != null) return ParseDateTime(timestamp, picture, now);
        return TryToMillisAscii(timestamp, out var fast) ? fast : ToMillisByRegex(timestamp);
    }

    /// <summary>$toMillis without a picture for any timestamp the ISO 8601 regex accepts (D3110 otherwise).</summary>
    internal static object? ToMillisByRegex(string timestamp)
    {
        var m = Iso8601().Match(timestamp);
        if (!m.Success) throw new JsonataException("D3110", null, value: timestamp);
        var year = int.Parse(timestamp[..4], CultureInfo.InvariantCulture);
        var month = m.Groups[1].Success ? int.Parse(m.Groups[1].Value[1..], CultureInfo.InvariantCulture) : 1;
        var day = m.Groups[2].Success ? int.Parse(m.Groups[2].Value[1..], CultureInfo.InvariantCulture) : 1;
        if (month is < 1 or > 12 || day < 1 || day > DateTime.DaysInMonth(Math.Max(1, year), month)) return null;
        double hour = 0, minute = 0, second = 0, ms = 0;
        if (m.Groups[3].Success)
        {
            var t = m.Groups[3].Value;
            hour = int.Parse(t.AsSpan(1, 2), CultureInfo.InvariantCulture);
            minute = int.Parse(t.AsSpan(4, 2), CultureInfo.InvariantCulture);
            second = int.Parse(t.AsSpan(7, 2), CultureInfo.InvariantCulture);
            if (hour > 24 || (hour == 24 && (minute > 0 || second > 0))) return null;
        }
        if (m.Groups[4].Success)
        {
            var frac = m.Groups[4].Value[1..];
            ms = Math.Floor(double.Parse("0." + frac, CultureInfo.InvariantCulture) * 1000 + 1e-9);
        }
        var millis = DateUtc(year, month - 1, day, hour, minute, second, ms);
        if (m.Groups[5].Success && m.Groups[5].Value != "Z")
        {
            var z = m.Groups[5].Value;
            var sign = z[0] == '-' ? -1 : 1;
            var digits = z[1..].Replace(":", string.Empty);
            var oh = int.Parse(digits[..2], CultureInfo.InvariantCulture);
            var om = int.Parse(digits[2..], CultureInfo.InvariantCulture);
            millis -= sign * (oh * 60 + om) * 60000;
        }
        return millis;
    }

    // The common timestamp (ASCII digits, e.g. 2026-11-23T12:34:56.789Z) read by hand, without the regex and its
    // substrings. It takes each optional part whenever it is there, which is the regex's first choice; a string it does
    // not accept as a whole (other digits, a trailing newline, one the regex would match only by backtracking, an
    // invalid one) goes to the regex path, so results and errors stay the same.
    private static bool TryToMillisAscii(string timestamp, out object? millis)
    {
        millis = null;
        var s = timestamp.AsSpan();
        var pos = 0;
        if (!TryDigits(s, ref pos, 4, '9', out var year)) return false;
        int? month = null, day = null;
        if (pos < s.Length && s[pos] == '-' && pos + 1 < s.Length && s[pos + 1] is '0' or '1')
        {
            pos++;
            if (!TryDigits(s, ref pos, 2, '1', out var mo)) return false;
            month = mo;
        }

        if (pos < s.Length && s[pos] == '-')
        {
            pos++;
            if (!TryDigits(s, ref pos, 2, '3', out var d)) return false;
            day = d;
        }

        int hour = 0, minute = 0, second = 0;
        if (pos < s.Length && s[pos] == 'T')
        {
            pos++;
            if (!TryDigits(s, ref pos, 2, '2', out hour) || !TrySkip(s, ref pos, ':') ||
                !TryDigits(s, ref pos, 2, '5', out minute) || !TrySkip(s, ref pos, ':') ||
                !TryDigits(s, ref pos, 2, '5', out second))
            {
                return false;
            }
        }

        double ms = 0;
        if (pos < s.Length && s[pos] == '.')
        {
            var start = ++pos;
            while (pos < s.Length && char.IsAsciiDigit(s[pos])) pos++;
            var digits = pos - start;
            // up to 15 digits, digits / 10^n is exact over exact: the correctly rounded quotient is the very double
            // that parsing "0.digits" gives
            if (digits is 0 or > 15) return false;
            long fraction = 0;
            for (var i = start; i < pos; i++) fraction = fraction * 10 + (s[i] - '0');
            ms = Math.Floor(fraction / Values.PowersOfTen[digits] * 1000 + 1e-9);
        }

        var offsetMinutes = 0;
        if (pos < s.Length && s[pos] == 'Z')
        {
            pos++;
        }
        else if (pos < s.Length && s[pos] is '+' or '-')
        {
            var sign = s[pos] == '-' ? -1 : 1;
            pos++;
            if (!TryDigits(s, ref pos, 2, '2', out var oh)) return false;
            if (pos < s.Length && s[pos] == ':') pos++;
            if (!TryDigits(s, ref pos, 2, '5', out var om)) return false;
            offsetMinutes = sign * (oh * 60 + om);
        }

        if (pos != s.Length) return false;
        // the whole string matched: the same checks, in the same order, as the regex path
        var m = month ?? 1;
        var dd = day ?? 1;
        if (m is < 1 or > 12 || dd < 1 || dd > DateTime.DaysInMonth(Math.Max(1, year), m)) return true;
        if (hour > 24 || (hour == 24 && (minute > 0 || second > 0))) return true;
        // DateUtc's sum in whole numbers: every partial sum is an integer far below 2^53, so the double is the same
        var whole = (DaysFromCivil(year, m, dd) * 86_400_000L) + (hour * 3_600_000L) + (minute * 60_000L) + (second * 1000L);
        millis = whole + ms - (offsetMinutes * 60_000L);
        return true;
    }

    private static bool TrySkip(ReadOnlySpan<char> s, ref int pos, char expected)
    {
        if (pos >= s.Length || s[pos] != expected) return false;
        pos++;
        return true;
    }

    /// <summary>Reads <paramref name="count"/> ASCII digits, the first no greater than <paramref name="maxFirst"/>.</summary>
    private static bool TryDigits(ReadOnlySpan<char> s, ref int pos, int count, char maxFirst, out int value)
    {
        value = 0;
        if (pos + count > s.Length || s[pos] > maxFirst) return false;
        for (var i = 0; i < count; i++)
        {
            var c = s[pos + i];
            if (!char.IsAsciiDigit(c)) return false;
            value = value * 10 + (c - '0');
        }

        pos += count;
        return true;
    }
}
