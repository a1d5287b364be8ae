using System.Text;

namespace Jsonata;

/// <summary>encodeURI/encodeURIComponent/decodeURI/decodeURIComponent as JavaScript defines them.</summary>
internal static class UrlCodec
{
    private const string ComponentSafe = "-_.!~*'()";
    private const string UriReserved = ";/?:@&=+$,#";

    public static string Encode(string s, string functionName, bool component)
    {
        var sb = new StringBuilder(s.Length);
        Span<byte> bytes = stackalloc byte[4];
        for (var i = 0; i < s.Length; i++)
        {
            var c = s[i];
            if (char.IsAsciiLetterOrDigit(c) || ComponentSafe.Contains(c) || (!component && UriReserved.Contains(c)))
            {
                sb.Append(c);
                continue;
            }
            int codePoint;
            if (char.IsHighSurrogate(c))
            {
                if (i + 1 >= s.Length || !char.IsLowSurrogate(s[i + 1])) throw Malformed(s, functionName);
                codePoint = char.ConvertToUtf32(c, s[i + 1]);
                i++;
            }
            else if (char.IsLowSurrogate(c))
            {
                throw Malformed(s, functionName);
            }
            else
            {
                codePoint = c;
            }
            var n = new Rune(codePoint).EncodeToUtf8(bytes);
            for (var b = 0; b < n; b++) sb.Append('%').Append(bytes[b].ToString("X2", System.Globalization.CultureInfo.InvariantCulture));
        }
        return sb.ToString();
    }

    public static string Decode(string s, string functionName, bool component)
    {
        var sb = new StringBuilder(s.Length);
        for (var i = 0; i < s.Length; i++)
        {
            var c = s[i];
            if (c != '%')
            {
                sb.Append(c);
                continue;
            }
            var start = i;
            var first = ReadByte(s, i, functionName);
            i += 2;
            if (first < 0x80)
            {
                var ch = (char)first;
                if (!component && UriReserved.Contains(ch)) sb.Append(s, start, 3);
                else sb.Append(ch);
                continue;
            }
            int count;
            if ((first & 0xE0) == 0xC0) count = 2;
            else if ((first & 0xF0) == 0xE0) count = 3;
            else if ((first & 0xF8) == 0xF0) count = 4;
            else throw Malformed(s, functionName);
            var buffer = new byte[count];
            buffer[0] = (byte)first;
            for (var k = 1; k < count; k++)
            {
                i++;
                if (i >= s.Length || s[i] != '%') throw Malformed(s, functionName);
                var b = ReadByte(s, i, functionName);
                if ((b & 0xC0) != 0x80) throw Malformed(s, functionName);
                buffer[k] = (byte)b;
                i += 2;
            }
            string decoded;
            try
            {
                decoded = new UTF8Encoding(false, true).GetString(buffer);
            }
            catch (DecoderFallbackException)
            {
                throw Malformed(s, functionName);
            }
            sb.Append(decoded);
        }
        return sb.ToString();
    }

    private static int ReadByte(string s, int i, string functionName)
    {
        if (i + 2 >= s.Length) throw Malformed(s, functionName);
        if (!Uri.IsHexDigit(s[i + 1]) || !Uri.IsHexDigit(s[i + 2])) throw Malformed(s, functionName);
        return Convert.ToInt32(s.Substring(i + 1, 2), 16);
    }

    private static JsonataException Malformed(string s, string functionName) =>
        new("D3140", null, value: s) { FunctionName = functionName };
}
