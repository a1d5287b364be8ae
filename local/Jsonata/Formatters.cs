using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;

namespace Jsonata;

/// <summary>An analysed integer picture ($formatInteger, date/time components).</summary>
internal sealed class IntegerFormat
{
    public string Primary = "decimal"; // decimal, letters, roman, words, sequence
    public string Case = "lower"; // upper, lower, title
    public bool Ordinal;
    public int ZeroCode = 0x30;
    public int MandatoryDigits;
    public int OptionalDigits;
    public bool Regular;
    public List<(int Position, string Character)> GroupingSeparators = [];
    public string? Token;
    public int ParseWidth;
}

/// <summary>$formatInteger and $parseInteger with XPath-style pictures (decimal, letters, roman, words).</summary>
internal static class IntegerFormatter
{
    private static readonly string[] Few =
    [
        "Zero", "One", "Two", "Three", "Four", "Five", "Six", "Seven", "Eight", "Nine", "Ten", "Eleven", "Twelve", "Thirteen",
        "Fourteen", "Fifteen", "Sixteen", "Seventeen", "Eighteen", "Nineteen",
    ];
    private static readonly string[] Ordinals =
    [
        "Zeroth", "First", "Second", "Third", "Fourth", "Fifth", "Sixth", "Seventh", "Eighth", "Ninth", "Tenth", "Eleventh",
        "Twelfth", "Thirteenth", "Fourteenth", "Fifteenth", "Sixteenth", "Seventeenth", "Eighteenth", "Nineteenth",
    ];
    private static readonly string[] Decades = ["Twenty", "Thirty", "Forty", "Fifty", "Sixty", "Seventy", "Eighty", "Ninety", "Hundred"];
    private static readonly string[] Magnitudes = ["Thousand", "Million", "Billion", "Trillion"];
    private static readonly (int Value, string Numeral)[] RomanNumerals =
    [
        (1000, "m"), (900, "cm"), (500, "d"), (400, "cd"), (100, "c"), (90, "xc"), (50, "l"), (40, "xl"), (10, "x"), (9, "ix"),
        (5, "v"), (4, "iv"), (1, "i"),
    ];
    private static readonly int[] DecimalGroups =
    [
        0x30, 0x0660, 0x06F0, 0x07C0, 0x0966, 0x09E6, 0x0A66, 0x0AE6, 0x0B66, 0x0BE6, 0x0C66, 0x0CE6, 0x0D66, 0x0DE6, 0x0E50,
        0x0ED0, 0x0F20, 0x1040, 0x1090, 0x17E0, 0x1810, 0x1946, 0x19D0, 0x1A80, 0x1A90, 0x1B50, 0x1BB0, 0x1C40, 0x1C50, 0xA620,
        0xA8D0, 0xA900, 0xA9D0, 0xA9F0, 0xAA50, 0xABF0, 0xFF10,
    ];

    internal static readonly Dictionary<string, double> WordValues = BuildWordValues();

    private static Dictionary<string, double> BuildWordValues()
    {
        var values = new Dictionary<string, double>(StringComparer.Ordinal);
        for (var i = 0; i < Few.Length; i++) values[Few[i].ToLowerInvariant()] = i;
        for (var i = 0; i < Ordinals.Length; i++) values[Ordinals[i].ToLowerInvariant()] = i;
        for (var i = 0; i < Decades.Length; i++)
        {
            var lword = Decades[i].ToLowerInvariant();
            values[lword] = (i + 2) * 10;
            values[lword[..^1] + "ieth"] = (i + 2) * 10;
        }
        values["hundredth"] = 100;
        for (var i = 0; i < Magnitudes.Length; i++)
        {
            var lword = Magnitudes[i].ToLowerInvariant();
            var val = Math.Pow(10, (i + 1) * 3);
            values[lword] = val;
            values[lword + "th"] = val;
        }
        return values;
    }

    public static object? Format(double value, string picture) => FormatInteger(Math.Floor(value), Analyse(picture));

    public static object? Parse(string value, string picture)
    {
        var matcher = DateTimeFormatter.IntegerMatcher(Analyse(picture));
        return matcher.Parse(value);
    }

    private static string NumberToWords(double value, bool ordinal)
    {
        string Lookup(double num, bool prev, bool ord)
        {
            string words;
            if (num <= 19)
            {
                words = (prev ? " and " : string.Empty) + (ord ? Ordinals[(int)num] : Few[(int)num]);
            }
            else if (num < 100)
            {
                var tens = (int)Math.Floor(num / 10);
                var remainder = num % 10;
                words = (prev ? " and " : string.Empty) + Decades[tens - 2];
                if (remainder > 0) words += "-" + Lookup(remainder, false, ord);
                else if (ord) words = words[..^1] + "ieth";
            }
            else if (num < 1000)
            {
                var hundreds = (int)Math.Floor(num / 100);
                var remainder = num % 100;
                words = (prev ? ", " : string.Empty) + Few[hundreds] + " Hundred";
                if (remainder > 0) words += Lookup(remainder, true, ord);
                else if (ord) words += "th";
            }
            else
            {
                var mag = (int)Math.Floor(Math.Log10(num) / 3);
                if (mag > Magnitudes.Length) mag = Magnitudes.Length;
                var factor = Math.Pow(10, mag * 3);
                var mant = Math.Floor(num / factor);
                var remainder = num - mant * factor;
                words = (prev ? ", " : string.Empty) + Lookup(mant, false, false) + " " + Magnitudes[mag - 1];
                if (remainder > 0) words += Lookup(remainder, true, ord);
                else if (ord) words += "th";
            }
            return words;
        }
        return Lookup(value, false, ordinal);
    }

    internal static double WordsToNumber(string text)
    {
        var parts = Regex.Split(text, @",\s|\sand\s|[\s\\-]");
        var segs = new List<double> { 0 };
        foreach (var part in parts)
        {
            var value = WordValues.TryGetValue(part, out var v) ? v : double.NaN;
            if (value < 100 || double.IsNaN(value))
            {
                var top = segs[^1];
                segs.RemoveAt(segs.Count - 1);
                if (top >= 1000)
                {
                    segs.Add(top);
                    top = 0;
                }
                segs.Add(top + value);
            }
            else
            {
                var top = segs[^1];
                segs[^1] = top * value;
            }
        }
        return segs.Sum();
    }

    private static string DecimalToRoman(double value)
    {
        var sb = new StringBuilder();
        var v = (long)value;
        foreach (var (num, numeral) in RomanNumerals)
        {
            while (v >= num)
            {
                sb.Append(numeral);
                v -= num;
            }
        }
        return sb.ToString();
    }

    internal static double RomanToDecimal(string roman)
    {
        var values = new Dictionary<char, int> { ['M'] = 1000, ['D'] = 500, ['C'] = 100, ['L'] = 50, ['X'] = 10, ['V'] = 5, ['I'] = 1 };
        var dec = 0;
        var max = 1;
        for (var i = roman.Length - 1; i >= 0; i--)
        {
            var value = values.GetValueOrDefault(roman[i]);
            if (value < max) dec -= value;
            else
            {
                max = value;
                dec += value;
            }
        }
        return dec;
    }

    private static string DecimalToLetters(double value, char aChar)
    {
        var letters = new StringBuilder();
        var v = (long)value;
        while (v > 0)
        {
            letters.Insert(0, (char)((v - 1) % 26 + aChar));
            v = (v - 1) / 26;
        }
        return letters.ToString();
    }

    internal static double LettersToDecimal(string letters, char aChar)
    {
        double dec = 0;
        for (var i = 0; i < letters.Length; i++) dec += (letters[letters.Length - i - 1] - aChar + 1) * Math.Pow(26, i);
        return dec;
    }

    public static string FormatInteger(double value, IntegerFormat format)
    {
        string formatted;
        var negative = value < 0;
        value = Math.Abs(value);
        switch (format.Primary)
        {
            case "letters":
                formatted = DecimalToLetters(value, format.Case == "upper" ? 'A' : 'a');
                break;
            case "roman":
                formatted = DecimalToRoman(value);
                if (format.Case == "upper") formatted = formatted.ToUpperInvariant();
                break;
            case "words":
                formatted = NumberToWords(value, format.Ordinal);
                if (format.Case == "upper") formatted = formatted.ToUpperInvariant();
                else if (format.Case == "lower") formatted = formatted.ToLowerInvariant();
                break;
            case "decimal":
                formatted = Values.FormatNumber(value);
                var padLength = format.MandatoryDigits - formatted.Length;
                if (padLength > 0) formatted = new string('0', padLength) + formatted;
                if (format.ZeroCode != 0x30)
                {
                    var sb = new StringBuilder();
                    foreach (var c in formatted) sb.Append(char.ConvertFromUtf32(c + format.ZeroCode - 0x30));
                    formatted = sb.ToString();
                }
                if (format.Regular)
                {
                    var (position, character) = format.GroupingSeparators[0];
                    var n = (formatted.Length - 1) / position;
                    for (var ii = n; ii > 0; ii--)
                    {
                        var pos = formatted.Length - ii * position;
                        formatted = formatted[..pos] + character + formatted[pos..];
                    }
                }
                else
                {
                    for (var i = format.GroupingSeparators.Count - 1; i >= 0; i--)
                    {
                        var (position, character) = format.GroupingSeparators[i];
                        var pos = formatted.Length - position;
                        if (pos < 0) pos = 0;
                        formatted = formatted[..pos] + character + formatted[pos..];
                    }
                }
                if (format.Ordinal)
                {
                    var last = formatted[^1];
                    var suffix = last switch { '1' => "st", '2' => "nd", '3' => "rd", _ => "th" };
                    if (formatted.Length > 1 && formatted[^2] == '1') suffix = "th";
                    formatted += suffix;
                }
                break;
            default:
                throw new JsonataException("D3130", null, value: format.Token);
        }
        return negative ? "-" + formatted : formatted;
    }

    public static IntegerFormat Analyse(string picture)
    {
        var format = new IntegerFormat();
        string primaryFormat;
        var semicolon = picture.LastIndexOf(';');
        if (semicolon == -1)
        {
            primaryFormat = picture;
        }
        else
        {
            primaryFormat = picture[..semicolon];
            var modifier = picture[(semicolon + 1)..];
            if (modifier.StartsWith('o')) format.Ordinal = true;
        }
        switch (primaryFormat)
        {
            case "A":
                format.Case = "upper";
                format.Primary = "letters";
                break;
            case "a":
                format.Primary = "letters";
                break;
            case "I":
                format.Case = "upper";
                format.Primary = "roman";
                break;
            case "i":
                format.Primary = "roman";
                break;
            case "W":
                format.Case = "upper";
                format.Primary = "words";
                break;
            case "Ww":
                format.Case = "title";
                format.Primary = "words";
                break;
            case "w":
                format.Primary = "words";
                break;
            default:
            {
                int? zeroCode = null;
                var mandatory = 0;
                var optional = 0;
                var separators = new List<(int, string)>();
                var separatorPosition = 0;
                var codePoints = new List<int>();
                for (var i = 0; i < primaryFormat.Length; i++)
                {
                    var cp = char.ConvertToUtf32(primaryFormat, i);
                    if (char.IsHighSurrogate(primaryFormat[i])) i++;
                    codePoints.Add(cp);
                }
                codePoints.Reverse();
                foreach (var cp in codePoints)
                {
                    var digit = false;
                    foreach (var group in DecimalGroups)
                    {
                        if (cp >= group && cp <= group + 9)
                        {
                            digit = true;
                            mandatory++;
                            separatorPosition++;
                            if (zeroCode == null) zeroCode = group;
                            else if (group != zeroCode) throw new JsonataException("D3131", null);
                            break;
                        }
                    }
                    if (digit) continue;
                    if (cp == 0x23)
                    {
                        separatorPosition++;
                        optional++;
                    }
                    else
                    {
                        separators.Add((separatorPosition, char.ConvertFromUtf32(cp)));
                    }
                }
                if (mandatory > 0)
                {
                    format.Primary = "decimal";
                    format.ZeroCode = zeroCode!.Value;
                    format.MandatoryDigits = mandatory;
                    format.OptionalDigits = optional;
                    var regular = RegularRepeat(separators);
                    if (regular > 0)
                    {
                        format.Regular = true;
                        format.GroupingSeparators = [(regular, separators[0].Item2)];
                    }
                    else
                    {
                        format.GroupingSeparators = separators;
                    }
                }
                else
                {
                    format.Primary = "sequence";
                    format.Token = primaryFormat;
                }
                break;
            }
        }
        return format;
    }

    private static int RegularRepeat(List<(int Position, string Character)> separators)
    {
        if (separators.Count == 0) return 0;
        var sepChar = separators[0].Character;
        if (separators.Any(s => s.Character != sepChar)) return 0;
        var indexes = separators.Select(s => s.Position).ToList();
        static int Gcd(int a, int b) => b == 0 ? a : Gcd(b, a % b);
        var factor = indexes.Aggregate(Gcd);
        for (var index = 1; index <= indexes.Count; index++)
        {
            if (!indexes.Contains(index * factor)) return 0;
        }
        return factor;
    }
}

/// <summary>$formatNumber: XPath/XSLT decimal-format pictures.</summary>
internal static class NumberFormatter
{
    private sealed class Parts
    {
        public string Prefix = string.Empty;
        public string Suffix = string.Empty;
        public string ActivePart = string.Empty;
        public string MantissaPart = string.Empty;
        public string? ExponentPart;
        public string IntegerPart = string.Empty;
        public string FractionalPart = string.Empty;
        public string SubPicture = string.Empty;
    }

    private sealed class Variables
    {
        public List<int> IntegerPartGroupingPositions = [];
        public int RegularGrouping;
        public int MinimumIntegerPartSize;
        public int ScalingFactor;
        public string Prefix = string.Empty;
        public List<int> FractionalPartGroupingPositions = [];
        public int MinimumFractionalPartSize;
        public int MaximumFractionalPartSize;
        public int MinimumExponentSize;
        public string Suffix = string.Empty;
        public string Picture = string.Empty;
    }

    public static object? FormatNumber(object? valueArg, string? picture, JObject? options)
    {
        if (valueArg is not double value) return null;
        var properties = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["decimal-separator"] = ".", ["grouping-separator"] = ",", ["exponent-separator"] = "e", ["infinity"] = "Infinity",
            ["minus-sign"] = "-", ["NaN"] = "NaN", ["percent"] = "%", ["per-mille"] = "\u2030", ["zero-digit"] = "0",
            ["digit"] = "#", ["pattern-separator"] = ";",
        };
        if (options != null)
        {
            foreach (var kv in options) properties[kv.Key] = kv.Value as string ?? Builtins.StringOf(kv.Value);
        }
        var zeroChar = properties["zero-digit"][0];
        var family = Enumerable.Range(zeroChar, 10).Select(c => ((char)c).ToString()).ToList();
        var decimalSep = properties["decimal-separator"];
        var groupingSep = properties["grouping-separator"];
        var exponentSep = properties["exponent-separator"];
        var digitChar = properties["digit"];
        var percent = properties["percent"];
        var perMille = properties["per-mille"];
        var active = new HashSet<string>(family) { decimalSep, exponentSep, groupingSep, digitChar, properties["pattern-separator"] };
        bool IsDigit(char c) => family.Contains(c.ToString());
        bool IsActive(char c) => active.Contains(c.ToString());

        var subPictures = picture!.Split(properties["pattern-separator"]);
        if (subPictures.Length > 2) throw new JsonataException("D3080", null);

        Parts Split(string sub)
        {
            var prefix = string.Empty;
            for (var i = 0; i < sub.Length; i++)
            {
                if (IsActive(sub[i]) && sub[i].ToString() != exponentSep)
                {
                    prefix = sub[..i];
                    break;
                }
            }
            var suffix = string.Empty;
            for (var i = sub.Length - 1; i >= 0; i--)
            {
                if (IsActive(sub[i]) && sub[i].ToString() != exponentSep)
                {
                    suffix = sub[(i + 1)..];
                    break;
                }
            }
            var activePart = sub.Substring(prefix.Length, Math.Max(0, sub.Length - prefix.Length - suffix.Length));
            string mantissa;
            string? exponent;
            var exponentPosition = sub.IndexOf(exponentSep, prefix.Length, StringComparison.Ordinal);
            if (exponentPosition == -1 || exponentPosition > sub.Length - suffix.Length)
            {
                mantissa = activePart;
                exponent = null;
            }
            else
            {
                mantissa = activePart[..Math.Min(exponentPosition, activePart.Length)];
                exponent = exponentPosition + 1 <= activePart.Length ? activePart[(exponentPosition + 1)..] : string.Empty;
            }
            var decimalPosition = mantissa.IndexOf(decimalSep, StringComparison.Ordinal);
            return new Parts
            {
                Prefix = prefix,
                Suffix = suffix,
                ActivePart = activePart,
                MantissaPart = mantissa,
                ExponentPart = exponent,
                IntegerPart = decimalPosition == -1 ? mantissa : mantissa[..decimalPosition],
                FractionalPart = decimalPosition == -1 ? suffix : mantissa[(decimalPosition + 1)..],
                SubPicture = sub,
            };
        }

        void Validate(Parts parts)
        {
            string? error = null;
            var sub = parts.SubPicture;
            var decimalPos = sub.IndexOf(decimalSep, StringComparison.Ordinal);
            if (decimalPos != sub.LastIndexOf(decimalSep, StringComparison.Ordinal)) error = "D3081";
            if (sub.IndexOf(percent, StringComparison.Ordinal) != sub.LastIndexOf(percent, StringComparison.Ordinal)) error = "D3082";
            if (sub.IndexOf(perMille, StringComparison.Ordinal) != sub.LastIndexOf(perMille, StringComparison.Ordinal)) error = "D3083";
            if (sub.Contains(percent, StringComparison.Ordinal) && sub.Contains(perMille, StringComparison.Ordinal)) error = "D3084";
            if (!parts.MantissaPart.Any(c => IsDigit(c) || c.ToString() == digitChar)) error = "D3085";
            if (parts.ActivePart.Any(c => !IsActive(c))) error = "D3086";
            if (decimalPos != -1)
            {
                if ((decimalPos > 0 && sub[decimalPos - 1].ToString() == groupingSep)
                    || (decimalPos + 1 < sub.Length && sub[decimalPos + 1].ToString() == groupingSep))
                {
                    error = "D3087";
                }
            }
            else if (parts.IntegerPart.Length > 0 && parts.IntegerPart[^1].ToString() == groupingSep)
            {
                error = "D3088";
            }
            if (sub.Contains(groupingSep + groupingSep, StringComparison.Ordinal)) error = "D3089";
            var optionalDigitPos = parts.IntegerPart.IndexOf(digitChar, StringComparison.Ordinal);
            if (optionalDigitPos != -1 && parts.IntegerPart[..optionalDigitPos].Any(IsDigit)) error = "D3090";
            optionalDigitPos = parts.FractionalPart.LastIndexOf(digitChar, StringComparison.Ordinal);
            if (optionalDigitPos != -1 && parts.FractionalPart[optionalDigitPos..].Any(IsDigit)) error = "D3091";
            var exponentExists = parts.ExponentPart != null;
            if (exponentExists && parts.ExponentPart!.Length > 0
                && (sub.Contains(percent, StringComparison.Ordinal) || sub.Contains(perMille, StringComparison.Ordinal)))
            {
                error = "D3092";
            }
            if (exponentExists && (parts.ExponentPart!.Length == 0 || parts.ExponentPart.Any(c => !IsDigit(c)))) error = "D3093";
            if (error != null) throw new JsonataException(error, null);
        }

        Variables Analyse(Parts parts)
        {
            List<int> GroupingPositions(string part, bool toLeft)
            {
                var positions = new List<int>();
                var groupingPosition = part.IndexOf(groupingSep, StringComparison.Ordinal);
                while (groupingPosition != -1)
                {
                    var segment = toLeft ? part[..groupingPosition] : part[groupingPosition..];
                    positions.Add(segment.Count(c => IsDigit(c) || c.ToString() == digitChar));
                    groupingPosition = parts.IntegerPart.IndexOf(groupingSep, groupingPosition + 1, StringComparison.Ordinal);
                }
                return positions;
            }
            var integerPositions = GroupingPositions(parts.IntegerPart, false);
            static int Gcd(int a, int b) => b == 0 ? a : Gcd(b, a % b);
            var regular = 0;
            if (integerPositions.Count > 0)
            {
                var factor = integerPositions.Aggregate(Gcd);
                regular = factor;
                for (var index = 1; index <= integerPositions.Count; index++)
                {
                    if (!integerPositions.Contains(index * factor))
                    {
                        regular = 0;
                        break;
                    }
                }
            }
            var fractionalPositions = GroupingPositions(parts.FractionalPart, true);
            var minInt = parts.IntegerPart.Count(IsDigit);
            var scaling = minInt;
            var minFrac = parts.FractionalPart.Count(IsDigit);
            var maxFrac = parts.FractionalPart.Count(c => IsDigit(c) || c.ToString() == digitChar);
            var exponentPresent = parts.ExponentPart != null;
            if (minInt == 0 && maxFrac == 0)
            {
                if (exponentPresent)
                {
                    minFrac = 1;
                    maxFrac = 1;
                }
                else
                {
                    minInt = 1;
                }
            }
            if (exponentPresent && minInt == 0 && parts.IntegerPart.Contains(digitChar, StringComparison.Ordinal)) minInt = 1;
            if (minInt == 0 && minFrac == 0) minFrac = 1;
            var minExp = exponentPresent ? parts.ExponentPart!.Count(IsDigit) : 0;
            return new Variables
            {
                IntegerPartGroupingPositions = integerPositions,
                RegularGrouping = regular,
                MinimumIntegerPartSize = minInt,
                ScalingFactor = scaling,
                Prefix = parts.Prefix,
                FractionalPartGroupingPositions = fractionalPositions,
                MinimumFractionalPartSize = minFrac,
                MaximumFractionalPartSize = maxFrac,
                MinimumExponentSize = minExp,
                Suffix = parts.Suffix,
                Picture = parts.SubPicture,
            };
        }

        var allParts = subPictures.Select(Split).ToList();
        allParts.ForEach(Validate);
        var variables = allParts.Select(Analyse).ToList();
        var minusSign = properties["minus-sign"];
        var zeroDigit = properties["zero-digit"];
        if (variables.Count == 1)
        {
            var neg = Analyse(allParts[0]);
            neg.Prefix = minusSign + neg.Prefix;
            variables.Add(neg);
        }
        var pic = value >= 0 ? variables[0] : variables[1];
        double adjusted;
        if (pic.Picture.Contains(percent, StringComparison.Ordinal)) adjusted = value * 100;
        else if (pic.Picture.Contains(perMille, StringComparison.Ordinal)) adjusted = value * 1000;
        else adjusted = value;
        double mantissaValue;
        int? exponentValue = null;
        if (pic.MinimumExponentSize == 0)
        {
            mantissaValue = adjusted;
        }
        else
        {
            var maxMantissa = Math.Pow(10, pic.ScalingFactor);
            var minMantissa = Math.Pow(10, pic.ScalingFactor - 1);
            mantissaValue = adjusted;
            var exp = 0;
            if (mantissaValue != 0)
            {
                while (Math.Abs(mantissaValue) < minMantissa)
                {
                    mantissaValue *= 10;
                    exp -= 1;
                }
                while (Math.Abs(mantissaValue) > maxMantissa)
                {
                    mantissaValue /= 10;
                    exp += 1;
                }
            }
            exponentValue = exp;
        }
        var rounded = Builtins.Round(mantissaValue, pic.MaximumFractionalPartSize);
        string MakeString(double v, int dp)
        {
            var str = Math.Abs(v).ToString("F" + dp.ToString(CultureInfo.InvariantCulture), CultureInfo.InvariantCulture);
            if (zeroDigit != "0")
            {
                var sb = new StringBuilder();
                foreach (var c in str) sb.Append(c >= '0' && c <= '9' ? family[c - '0'] : c.ToString());
                str = sb.ToString();
            }
            return str;
        }
        var stringValue = MakeString(rounded, pic.MaximumFractionalPartSize);
        var dpos = stringValue.IndexOf('.');
        stringValue = dpos == -1 ? stringValue + decimalSep : stringValue.Replace(".", decimalSep);
        while (stringValue.StartsWith(zeroDigit, StringComparison.Ordinal)) stringValue = stringValue[zeroDigit.Length..];
        while (stringValue.EndsWith(zeroDigit, StringComparison.Ordinal)) stringValue = stringValue[..^zeroDigit.Length];
        dpos = stringValue.IndexOf(decimalSep, StringComparison.Ordinal);
        var padLeft = pic.MinimumIntegerPartSize - dpos;
        var padRight = pic.MinimumFractionalPartSize - (stringValue.Length - dpos - 1);
        stringValue = (padLeft > 0 ? string.Concat(Enumerable.Repeat(zeroDigit, padLeft)) : string.Empty) + stringValue;
        stringValue += padRight > 0 ? string.Concat(Enumerable.Repeat(zeroDigit, padRight)) : string.Empty;
        dpos = stringValue.IndexOf(decimalSep, StringComparison.Ordinal);
        if (pic.RegularGrouping > 0)
        {
            var groupCount = (dpos - 1) / pic.RegularGrouping;
            for (var group = 1; group <= groupCount; group++)
            {
                var at = dpos - group * pic.RegularGrouping;
                stringValue = stringValue[..at] + groupingSep + stringValue[at..];
            }
        }
        else
        {
            foreach (var pos in pic.IntegerPartGroupingPositions)
            {
                var at = Math.Max(0, dpos - pos);
                stringValue = stringValue[..at] + groupingSep + stringValue[at..];
                dpos++;
            }
        }
        dpos = stringValue.IndexOf(decimalSep, StringComparison.Ordinal);
        foreach (var pos in pic.FractionalPartGroupingPositions)
        {
            var at = Math.Min(stringValue.Length, pos + dpos + 1);
            stringValue = stringValue[..at] + groupingSep + stringValue[at..];
        }
        dpos = stringValue.IndexOf(decimalSep, StringComparison.Ordinal);
        if (!pic.Picture.Contains(decimalSep, StringComparison.Ordinal) || dpos == stringValue.Length - 1)
        {
            stringValue = stringValue[..^1];
        }
        if (exponentValue is { } e)
        {
            var stringExponent = MakeString(e, 0);
            var padExp = pic.MinimumExponentSize - stringExponent.Length;
            if (padExp > 0) stringExponent = string.Concat(Enumerable.Repeat(zeroDigit, padExp)) + stringExponent;
            stringValue = stringValue + exponentSep + (e < 0 ? minusSign : string.Empty) + stringExponent;
        }
        return pic.Prefix + stringValue + pic.Suffix;
    }
}
