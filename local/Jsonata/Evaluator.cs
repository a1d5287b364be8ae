using System.Diagnostics;
using System.Runtime.CompilerServices;

namespace Jsonata;

/// <summary>Evaluates a processed syntax tree; one instance per evaluation (it carries depth and clock).</summary>
internal sealed class Evaluator
{
    private static readonly Node ChainAst = Parser.Parse("function($f, $g) { function($x){ $g($f($x)) } }");

    private readonly int _maxDepth;
    private readonly long _deadline;
    private readonly double _timeLimitMs;
    private int _depth;
    private int _ticks;

    private DateTimeOffset? _now;

    /// <param name="now">The instant $now() reports; null reads the clock when an expression first asks for it.</param>
    public Evaluator(int? maxDepth, TimeSpan? timeLimit, DateTimeOffset? now)
    {
        _maxDepth = maxDepth ?? int.MaxValue;
        if (timeLimit is { } limit)
        {
            _timeLimitMs = limit.TotalMilliseconds;
            _deadline = Stopwatch.GetTimestamp() + (long)(limit.TotalSeconds * Stopwatch.Frequency);
        }
        else
        {
            _deadline = long.MaxValue;
        }
        _now = now;
    }

    /// <summary>The instant $now() and $millis() report for this evaluation (the same for every call within it).</summary>
    public DateTimeOffset Now => _now ??= DateTimeOffset.UtcNow;

    public object? Evaluate(Node expr, object? input, Frame environment)
    {
        if (++_depth > _maxDepth) throw new JsonataException("U1001", expr.Position);
        if ((++_ticks & 255) == 0)
        {
            if (Stopwatch.GetTimestamp() > _deadline) throw new JsonataException("D1012", expr.Position, value: _timeLimitMs);
            try
            {
                RuntimeHelpers.EnsureSufficientExecutionStack();
            }
            catch (InsufficientExecutionStackException)
            {
                throw new JsonataException("U1001", expr.Position);
            }
        }
        else if (_depth > 200 && !RuntimeHelpers.TryEnsureSufficientExecutionStack())
        {
            throw new JsonataException("U1001", expr.Position);
        }

        object? result;
        switch (expr.Type)
        {
            case NodeType.Path: result = EvaluatePath(expr, input, environment); break;
            case NodeType.Binary: result = EvaluateBinary(expr, input, environment); break;
            case NodeType.Unary: result = EvaluateUnary(expr, input, environment); break;
            case NodeType.Name: result = Lookup(input, expr.ValueString); break;
            case NodeType.String:
            case NodeType.Number:
            case NodeType.Value:
                result = expr.Value;
                break;
            case NodeType.Wildcard: result = EvaluateWildcard(input); break;
            case NodeType.Descendant: result = EvaluateDescendants(input); break;
            case NodeType.Parent: result = environment.Lookup(expr.Slot!.Label); break;
            case NodeType.Condition: result = EvaluateCondition(expr, input, environment); break;
            case NodeType.Block: result = EvaluateBlock(expr, input, environment); break;
            case NodeType.Bind:
                result = Evaluate(expr.Rhs!, input, environment);
                environment.Bind(expr.Lhs!.ValueString, result);
                break;
            case NodeType.Regex: result = new RegexMatcher(expr.RegexValue!, expr.RegexSource ?? string.Empty, expr.Position); break;
            case NodeType.Function: result = EvaluateFunction(expr, input, environment, false, null); break;
            case NodeType.Variable: result = EvaluateVariable(expr, input, environment); break;
            case NodeType.Lambda: result = EvaluateLambda(expr, input, environment); break;
            case NodeType.Partial: result = EvaluatePartialApplication(expr, input, environment); break;
            case NodeType.Apply: result = EvaluateApplyExpression(expr, input, environment); break;
            case NodeType.Transform: result = EvaluateTransform(expr, environment); break;
            default: result = null; break;
        }

        if (expr.Predicate != null)
        {
            foreach (var stage in expr.Predicate) result = EvaluateFilter(stage.Expr!, result, environment);
        }
        if (expr.Type != NodeType.Path && expr.Group != null)
        {
            result = EvaluateGroupExpression(expr.Group, result, environment);
        }

        _depth--;

        if (result is JList { Sequence: true, TupleStream: false } seq)
        {
            if (expr.KeepArray) seq.KeepSingleton = true;
            if (seq.Count == 0) result = null;
            else if (seq.Count == 1) result = seq.KeepSingleton ? seq : seq[0];
        }
        return result;
    }

    // ---------------- paths ----------------

    private object? EvaluatePath(Node expr, object? input, Frame environment)
    {
        if (expr.IsPlainPath && TryEvaluatePlainPath(expr, input, environment, out var plain)) return plain;
        JList inputSequence;
        var steps = expr.Steps!;
        if (input is JList inList && steps[0].Type != NodeType.Variable) inputSequence = inList;
        else inputSequence = JList.NewSequence(input);

        JList? resultSequence = null;
        var isTupleStream = false;
        JList? tupleBindings = null;

        for (var ii = 0; ii < steps.Count; ii++)
        {
            var step = steps[ii];
            if (step.Tuple) isTupleStream = true;
            if (ii == 0 && step.ConsArray)
            {
                var constructed = Evaluate(step, inputSequence, environment);
                // a constructed array that a predicate reduced to one value still flows on as a sequence
                resultSequence = constructed as JList ?? (constructed == null ? null : JList.NewSequence(constructed));
            }
            else if (isTupleStream)
            {
                tupleBindings = EvaluateTupleStep(step, inputSequence, tupleBindings, environment);
            }
            else
            {
                resultSequence = EvaluateStep(step, inputSequence, environment, ii == steps.Count - 1);
            }

            if (!isTupleStream && (resultSequence == null || resultSequence.Count == 0)) break;
            if (step.Focus == null) inputSequence = resultSequence!;
        }

        object? result = resultSequence;
        if (isTupleStream)
        {
            if (expr.Tuple)
            {
                result = tupleBindings;
            }
            else
            {
                var seq = JList.NewSequence();
                if (tupleBindings != null)
                {
                    foreach (var t in tupleBindings) seq.Add(((TupleItem)t!).Focus);
                }
                result = seq;
            }
        }

        if (expr.KeepSingletonArray)
        {
            if (result is JList { Cons: true, Sequence: false } consList) result = JList.NewSequence(consList);
            if (result is JList keep) keep.KeepSingleton = true;
        }

        if (expr.Group != null)
        {
            result = EvaluateGroupExpression(expr.Group, isTupleStream ? tupleBindings : result, environment);
        }
        return result;
    }

    // Field after field over objects, as the general path would compute it but without its sequences; false (so the
    // general path runs) when an array turns up, whose flattening and mapping only the general path knows.
    private static bool TryEvaluatePlainPath(Node expr, object? input, Frame environment, out object? result)
    {
        result = null;
        var steps = expr.Steps!;
        object? current = input;
        var first = 0;
        if (steps[0].Type == NodeType.Variable)
        {
            current = EvaluateVariable(steps[0], input, environment);
            first = 1;
        }
        else if (input is JList)
        {
            return false;
        }

        for (var i = first; i < steps.Count; i++)
        {
            switch (current)
            {
                case JObject obj:
                    if (!obj.TryGetValue(steps[i].ValueString, out current)) return true;
                    break;
                case JList:
                    return false;
                default:
                    // a field of undefined, null, a string, a number or a boolean is undefined
                    return true;
            }
        }

        if (current is JList { Sequence: true }) return false;
        result = current;
        return true;
    }

    private static Frame CreateFrameFromTuple(Frame environment, TupleItem tuple)
    {
        var frame = new Frame(environment);
        foreach (var kv in tuple) frame.Bind(kv.Key, kv.Value);
        return frame;
    }

    private JList EvaluateStep(Node expr, JList input, Frame environment, bool lastStep)
    {
        if (expr.Type == NodeType.Sort)
        {
            var sorted = EvaluateSortExpression(expr, input, environment);
            if (expr.Stages != null) sorted = EvaluateStages(expr.Stages, sorted, environment);
            return sorted;
        }

        var result = new JList(input.Count) { Sequence = true };
        var flat = true;
        for (var ii = 0; ii < input.Count; ii++)
        {
            var res = Evaluate(expr, input[ii], environment);
            if (expr.Stages != null)
            {
                foreach (var stage in expr.Stages) res = EvaluateFilter(stage.Expr!, res, environment);
            }
            if (res == null) continue;
            result.Add(res);
            if (res is JList { Cons: false }) flat = false;
        }

        if (lastStep && result.Count == 1 && result[0] is JList only && !only.Sequence) return only;
        // with no array among the results, flattening would only copy the list
        if (flat) return result;

        var resultSequence = new JList(result.Count) { Sequence = true };
        foreach (var res in result)
        {
            if (res is not JList list || list.Cons) resultSequence.Add(res);
            else resultSequence.AddRange(list);
        }
        return resultSequence;
    }

    private JList EvaluateStages(List<Stage> stages, JList input, Frame environment)
    {
        var result = input;
        foreach (var stage in stages)
        {
            if (stage.Kind == "filter")
            {
                result = EvaluateFilter(stage.Expr!, result, environment);
            }
            else
            {
                for (var ee = 0; ee < result.Count; ee++)
                {
                    if (result[ee] is TupleItem tuple) tuple[stage.Value!] = (double)ee;
                }
            }
        }
        return result;
    }

    private JList EvaluateTupleStep(Node expr, JList input, JList? tupleBindings, Frame environment)
    {
        JList result;
        if (expr.Type == NodeType.Sort)
        {
            if (tupleBindings != null)
            {
                result = EvaluateSortExpression(expr, tupleBindings, environment);
            }
            else
            {
                var sorted = EvaluateSortExpression(expr, input, environment);
                result = new JList(sorted.Count) { Sequence = true, TupleStream = true };
                for (var ss = 0; ss < sorted.Count; ss++)
                {
                    var tuple = new TupleItem { Focus = sorted[ss] };
                    if (expr.Index != null) tuple[expr.Index] = (double)ss;
                    result.Add(tuple);
                }
            }
            if (expr.Stages != null) result = EvaluateStages(expr.Stages, result, environment);
            return result;
        }

        result = new JList { Sequence = true, TupleStream = true };
        if (tupleBindings == null)
        {
            tupleBindings = new JList(input.Count);
            foreach (var item in input) tupleBindings.Add(new TupleItem { Focus = item });
        }

        foreach (var bindingItem in tupleBindings)
        {
            var binding = (TupleItem)bindingItem!;
            var stepEnv = CreateFrameFromTuple(environment, binding);
            var res = Evaluate(expr, binding.Focus, stepEnv);
            if (res == null) continue;
            var resList = res as JList ?? new JList { res };
            for (var bb = 0; bb < resList.Count; bb++)
            {
                var tuple = new TupleItem();
                foreach (var kv in binding) tuple[kv.Key] = kv.Value;
                if (resList.TupleStream)
                {
                    foreach (var kv in (TupleItem)resList[bb]!) tuple[kv.Key] = kv.Value;
                }
                else
                {
                    if (expr.Focus != null)
                    {
                        tuple[expr.Focus] = resList[bb];
                        tuple.Focus = binding.Focus;
                    }
                    else
                    {
                        tuple.Focus = resList[bb];
                    }
                    if (expr.Index != null) tuple[expr.Index] = (double)bb;
                    if (expr.Ancestor != null) tuple[expr.Ancestor.Label] = binding.Focus;
                }
                result.Add(tuple);
            }
        }

        if (expr.Stages != null) result = EvaluateStages(expr.Stages, result, environment);
        return result;
    }

    private JList EvaluateFilter(Node predicate, object? input, Frame environment)
    {
        var results = new JList { Sequence = true };
        if (input is JList { TupleStream: true }) results.TupleStream = true;
        var inputList = input as JList ?? JList.NewSequence(input);
        if (predicate.Type == NodeType.Number)
        {
            var index = (int)Math.Floor((double)predicate.Value!);
            if (index < 0) index = inputList.Count + index;
            if (index >= 0 && index < inputList.Count)
            {
                var item = inputList[index];
                if (item is JList arr) return arr;
                if (item != null) results.Add(item);
            }
            return results;
        }
        for (var index = 0; index < inputList.Count; index++)
        {
            var item = inputList[index];
            var context = item;
            var env = environment;
            if (inputList.TupleStream)
            {
                var tuple = (TupleItem)item!;
                context = tuple.Focus;
                env = CreateFrameFromTuple(environment, tuple);
            }
            var res = Evaluate(predicate, context, env);
            if (Values.IsNumeric(res)) res = new JList { res };
            if (Values.IsArrayOfNumbers(res))
            {
                foreach (var ires in (JList)res!)
                {
                    var ii = (int)Math.Floor((double)ires!);
                    if (ii < 0) ii = inputList.Count + ii;
                    if (ii == index) results.Add(item);
                }
            }
            else if (Builtins.Boolean(res) is true)
            {
                results.Add(item);
            }
        }
        return results;
    }

    // ---------------- operators ----------------

    private object? EvaluateBinary(Node expr, object? input, Frame environment)
    {
        var lhs = Evaluate(expr.Lhs!, input, environment);
        var op = expr.ValueString;
        try
        {
            if (op == "and")
            {
                return Values.Bool(Boolize(lhs) && Boolize(Evaluate(expr.Rhs!, input, environment)));
            }
            if (op == "or")
            {
                return Values.Bool(Boolize(lhs) || Boolize(Evaluate(expr.Rhs!, input, environment)));
            }
        }
        catch (JsonataException ex) when (Annotate(ex, expr.Position, op, overwrite: true))
        {
            throw;
        }
        var rhs = Evaluate(expr.Rhs!, input, environment);
        try
        {
            switch (op)
            {
                case "+":
                case "-":
                case "*":
                case "/":
                case "%":
                    return EvaluateNumeric(lhs, rhs, op);
                case "=":
                    return lhs == null || rhs == null ? Values.False : Values.Bool(Values.DeepEquals(lhs, rhs));
                case "!=":
                    return lhs == null || rhs == null ? Values.False : Values.Bool(!Values.DeepEquals(lhs, rhs));
                case "<":
                case "<=":
                case ">":
                case ">=":
                    return EvaluateComparison(lhs, rhs, op);
                case "&":
                    return (lhs == null ? string.Empty : Builtins.StringOf(lhs)) + (rhs == null ? string.Empty : Builtins.StringOf(rhs));
                case "..":
                    return EvaluateRange(lhs, rhs);
                case "in":
                    return EvaluateIncludes(lhs, rhs);
                default:
                    return null;
            }
        }
        catch (JsonataException ex) when (Annotate(ex, expr.Position, op, overwrite: true))
        {
            throw;
        }
    }

    // Errors are annotated inside exception filters, which never catch: rethrowing at every level of a deep
    // recursion would nest the handlers and exhaust the stack.
    private static bool Annotate(JsonataException ex, int position, string? token, bool overwrite)
    {
        if (overwrite)
        {
            ex.Position = position;
            ex.Token = token;
        }
        else
        {
            ex.Position ??= position;
            ex.Token ??= token;
        }
        return false;
    }

    private static bool AnnotateCall(JsonataException ex, string? token, int? position)
    {
        ex.Token ??= token;
        if (position != null) ex.Position = position;
        return false;
    }

    private static bool Boolize(object? value) => Builtins.Boolean(value) is true;

    private static object? EvaluateNumeric(object? lhs, object? rhs, string op)
    {
        if (lhs != null && !Values.IsNumeric(lhs)) throw new JsonataException("T2001", null, value: lhs);
        if (rhs != null && !Values.IsNumeric(rhs)) throw new JsonataException("T2002", null, value: rhs);
        if (lhs == null || rhs == null) return null;
        var l = (double)lhs;
        var r = (double)rhs;
        return op switch
        {
            "+" => l + r,
            "-" => l - r,
            "*" => l * r,
            "/" => l / r,
            _ => l % r,
        };
    }

    private static object? EvaluateComparison(object? lhs, object? rhs, string op)
    {
        var lcomparable = lhs == null || lhs is string || lhs is double;
        var rcomparable = rhs == null || rhs is string || rhs is double;
        if (!lcomparable || !rcomparable)
        {
            throw new JsonataException("T2010", null, value: !(lhs is string || lhs is double) ? lhs : rhs);
        }
        if (lhs == null || rhs == null) return null;
        if (lhs.GetType() != rhs.GetType()) throw new JsonataException("T2009", null, value: lhs, value2: rhs);
        int cmp;
        if (lhs is double a)
        {
            var b = (double)rhs;
            return op switch
            {
                "<" => Values.Bool(a < b),
                "<=" => Values.Bool(a <= b),
                ">" => Values.Bool(a > b),
                _ => Values.Bool(a >= b),
            };
        }
        cmp = string.CompareOrdinal((string)lhs, (string)rhs);
        return op switch
        {
            "<" => Values.Bool(cmp < 0),
            "<=" => Values.Bool(cmp <= 0),
            ">" => Values.Bool(cmp > 0),
            _ => Values.Bool(cmp >= 0),
        };
    }

    private static object EvaluateIncludes(object? lhs, object? rhs)
    {
        if (lhs == null || rhs == null) return Values.False;
        if (rhs is not JList list) return Values.Bool(Values.StrictEquals(lhs, rhs));
        foreach (var item in list)
        {
            if (Values.StrictEquals(item, lhs)) return Values.True;
        }
        return Values.False;
    }

    private static object? EvaluateRange(object? lhs, object? rhs)
    {
        if (lhs != null && !Values.IsInteger(lhs)) throw new JsonataException("T2003", null, value: lhs);
        if (rhs != null && !Values.IsInteger(rhs)) throw new JsonataException("T2004", null, value: rhs);
        if (lhs == null || rhs == null) return null;
        var from = (double)lhs;
        var to = (double)rhs;
        if (from > to) return null;
        var size = to - from + 1;
        if (size > 1e7) throw new JsonataException("D2014", null, value: size);
        var count = (int)size;
        var result = new JList(count) { Sequence = true };
        for (var i = 0; i < count; i++) result.Add(from + i);
        return result;
    }

    private object? EvaluateUnary(Node expr, object? input, Frame environment)
    {
        switch (expr.ValueString)
        {
            case "-":
            {
                var result = Evaluate(expr.Expression!, input, environment);
                if (result == null) return null;
                if (Values.IsNumeric(result)) return -(double)result;
                throw new JsonataException("D1002", expr.Position, token: "-", value: result);
            }
            case "[":
            {
                var result = new JList();
                foreach (var item in expr.Expressions!)
                {
                    var value = Evaluate(item, input, environment);
                    if (value == null) continue;
                    if (item.Type == NodeType.Unary && item.ValueString == "[") result.Add(value);
                    else if (value is JList list) result.AddRange(list);
                    else result.Add(value);
                }
                if (expr.ConsArray) result.Cons = true;
                return result;
            }
            case "{":
                expr.ObjectSpec ??= new GroupSpec { Pairs = expr.ObjectPairs!, Position = expr.Position };
                return EvaluateGroupExpression(expr.ObjectSpec, input, environment);
            default:
                return null;
        }
    }

    internal static object? Lookup(object? input, string key)
    {
        if (input is JList list)
        {
            var result = new JList { Sequence = true };
            foreach (var item in list)
            {
                var res = Lookup(item, key);
                if (res == null) continue;
                if (res is JList inner) result.AddRange(inner);
                else result.Add(res);
            }
            return result;
        }
        if (input is JObject obj && obj.TryGetValue(key, out var value)) return value;
        return null;
    }

    private static JList EvaluateWildcard(object? input)
    {
        var results = new JList { Sequence = true };
        if (input is JList { OuterWrapper: true } wrapped && wrapped.Count > 0) input = wrapped[0];
        IEnumerable<KeyValuePair<string, object?>>? members = input switch
        {
            JObject o => o,
            // a JavaScript array is an object whose keys are its indexes
            JList l => l.Select((v, i) => new KeyValuePair<string, object?>(i.ToString(System.Globalization.CultureInfo.InvariantCulture), v)),
            _ => null,
        };
        if (members != null)
        {
            foreach (var kv in members)
            {
                if (kv.Value is JList arr)
                {
                    var flat = new JList();
                    Flatten(arr, flat);
                    // appending to the results yields a plain (non-sequence) array, as in the reference
                    var appended = new JList(results.Count + flat.Count);
                    appended.AddRange(results);
                    appended.AddRange(flat);
                    results = appended;
                }
                else
                {
                    results.Add(kv.Value);
                }
            }
        }
        return results;
    }

    private static void Flatten(object? arg, JList flattened)
    {
        if (arg is JList list)
        {
            foreach (var item in list) Flatten(item, flattened);
        }
        else
        {
            flattened.Add(arg);
        }
    }

    private static object? EvaluateDescendants(object? input)
    {
        if (input == null) return null;
        var results = new JList { Sequence = true };
        RecurseDescendants(input, results);
        return results.Count == 1 ? results[0] : results;
    }

    private static void RecurseDescendants(object? input, JList results)
    {
        if (input is JList list)
        {
            foreach (var member in list) RecurseDescendants(member, results);
            return;
        }
        results.Add(input);
        if (input is JObject obj)
        {
            foreach (var kv in obj) RecurseDescendants(kv.Value, results);
        }
    }

    // ---------------- objects / grouping ----------------

    private object? EvaluateGroupExpression(GroupSpec expr, object? input, Frame environment)
    {
        if (expr.HasDistinctLiteralKeys && input is not JList { Count: > 1 } && input is not JList { TupleStream: true })
        {
            return ConstructSingleObject(expr, input is JList { Count: 1 } single ? single[0] : input is JList ? null : input, environment);
        }

        var result = new JObject();
        var groups = new Dictionary<string, (object? Data, int ExprIndex)>(StringComparer.Ordinal);
        var order = new List<string>();
        var reduce = input is JList { TupleStream: true };
        var inputList = input as JList ?? JList.NewSequence(input);
        if (inputList.Count == 0 && !reduce)
        {
            inputList = new JList { null };
        }

        for (var itemIndex = 0; itemIndex < inputList.Count; itemIndex++)
        {
            var item = inputList[itemIndex];
            var env = reduce ? CreateFrameFromTuple(environment, (TupleItem)item!) : environment;
            for (var pairIndex = 0; pairIndex < expr.Pairs.Count; pairIndex++)
            {
                var pair = expr.Pairs[pairIndex];
                var key = Evaluate(pair.Key, reduce ? ((TupleItem)item!).Focus : item, env);
                if (key != null && key is not string) throw new JsonataException("T1003", expr.Position, value: key);
                if (key == null) continue;
                var k = (string)key;
                if (groups.TryGetValue(k, out var entry))
                {
                    if (entry.ExprIndex != pairIndex) throw new JsonataException("D1009", expr.Position, value: k);
                    groups[k] = (Builtins.Append(entry.Data, item), pairIndex);
                }
                else
                {
                    groups[k] = (item, pairIndex);
                    order.Add(k);
                }
            }
        }

        foreach (var key in order)
        {
            var entry = groups[key];
            var context = entry.Data;
            var env = environment;
            if (reduce)
            {
                var tuple = ReduceTupleStream(entry.Data);
                context = tuple.Focus;
                tuple.Remove("@");
                env = CreateFrameFromTuple(environment, tuple);
            }
            var value = Evaluate(expr.Pairs[entry.ExprIndex].Value, context, env);
            if (value != null) result[key] = value;
        }
        return result;
    }

    private static TupleItem ReduceTupleStream(object? tupleStream)
    {
        if (tupleStream is TupleItem single)
        {
            var copy = new TupleItem();
            foreach (var kv in single) copy[kv.Key] = kv.Value;
            return copy;
        }
        var list = (JList)tupleStream!;
        var result = new TupleItem();
        foreach (var kv in (TupleItem)list[0]!) result[kv.Key] = kv.Value;
        for (var ii = 1; ii < list.Count; ii++)
        {
            foreach (var kv in (TupleItem)list[ii]!)
            {
                result[kv.Key] = Builtins.Append(result.TryGetValue(kv.Key, out var existing) ? existing : null, kv.Value);
            }
        }
        return result;
    }

    // ---------------- control flow ----------------

    private object? EvaluateCondition(Node expr, object? input, Frame environment)
    {
        var condition = Evaluate(expr.Condition!, input, environment);
        if (Builtins.Boolean(condition) is true) return Evaluate(expr.Then!, input, environment);
        if (expr.Else != null) return Evaluate(expr.Else, input, environment);
        return null;
    }

    private object? EvaluateBlock(Node expr, object? input, Frame environment)
    {
        // a scope nothing can bind into would only lengthen lookups: (quantity * unitPrice) runs in its caller's
        var frame = expr.MayBind ? new Frame(environment) : environment;
        object? result = null;
        foreach (var e in expr.Expressions!) result = Evaluate(e, input, frame);
        return result;
    }

    private static object? EvaluateVariable(Node expr, object? input, Frame environment)
    {
        var name = expr.ValueString;
        if (name.Length == 0) return input is JList { OuterWrapper: true } w ? w[0] : input;
        return environment.Lookup(name);
    }

    // ---------------- sorting ----------------

    private JList EvaluateSortExpression(Node expr, JList input, Frame environment)
    {
        var isTupleSort = input.TupleStream;
        bool Comparator(object? a, object? b)
        {
            var comp = 0;
            for (var index = 0; comp == 0 && index < expr.SortTerms!.Count; index++)
            {
                var term = expr.SortTerms[index];
                var context = a;
                var env = environment;
                if (isTupleSort)
                {
                    context = ((TupleItem)a!).Focus;
                    env = CreateFrameFromTuple(environment, (TupleItem)a!);
                }
                var aa = Evaluate(term.Expression, context, env);
                context = b;
                env = environment;
                if (isTupleSort)
                {
                    context = ((TupleItem)b!).Focus;
                    env = CreateFrameFromTuple(environment, (TupleItem)b!);
                }
                var bb = Evaluate(term.Expression, context, env);
                if (aa == null)
                {
                    comp = bb == null ? 0 : 1;
                    continue;
                }
                if (bb == null)
                {
                    comp = -1;
                    continue;
                }
                if (!(aa is string || aa is double) || !(bb is string || bb is double))
                {
                    throw new JsonataException("T2008", expr.Position, value: !(aa is string || aa is double) ? aa : bb);
                }
                if (aa.GetType() != bb.GetType()) throw new JsonataException("T2007", expr.Position, value: aa, value2: bb);
                int c = aa is double da ? da.CompareTo((double)bb) : string.CompareOrdinal((string)aa, (string)bb);
                if (c == 0) continue;
                comp = c < 0 ? -1 : 1;
                if (term.Descending) comp = -comp;
            }
            return comp == 1;
        }
        var sorted = Builtins.MergeSort(input, Comparator);
        if (isTupleSort) sorted.TupleStream = true;
        sorted.Sequence = true;
        return sorted;
    }

    // ---------------- functions ----------------

    private object? EvaluateTransform(Node expr, Frame environment)
    {
        return new NativeFunction
        {
            Name = "transform",
            DeclaredArity = 1,
            ParameterCount = 1,
            Signature = TransformSignature,
            Implementation = (call, args) => ApplyTransform(expr, environment, args[0]),
        };
    }

    private static readonly Signature TransformSignature = Signature.Parse("<(oa):o>");

    private object? ApplyTransform(Node expr, Frame environment, object? obj)
    {
        if (obj == null) return null;
        var cloneFunction = environment.Lookup("clone");
        if (cloneFunction is not JFunction clone) throw new JsonataException("T2013", expr.Position);
        var result = Apply(clone, [obj], null, environment);
        var matches = Evaluate(expr.Pattern!, result, environment);
        if (matches == null) return result;
        var matchList = matches as JList ?? new JList { matches };
        foreach (var match in matchList)
        {
            var update = Evaluate(expr.Update!, match, environment);
            if (update != null)
            {
                if (update is not JObject updateObj) throw new JsonataException("T2011", expr.Update!.Position, value: update);
                if (match is JObject target)
                {
                    foreach (var kv in updateObj) target[kv.Key] = kv.Value;
                }
            }
            if (expr.Delete != null)
            {
                var deletions = Evaluate(expr.Delete, match, environment);
                if (deletions != null)
                {
                    var val = deletions;
                    var list = deletions as JList ?? new JList { deletions };
                    if (!Values.IsArrayOfStrings(list)) throw new JsonataException("T2012", expr.Delete.Position, value: val);
                    if (match is JObject target)
                    {
                        foreach (var d in list) target.Remove((string)d!);
                    }
                }
            }
        }
        return result;
    }

    private object? EvaluateApplyExpression(Node expr, object? input, Frame environment)
    {
        var lhs = Evaluate(expr.Lhs!, input, environment);
        if (expr.Rhs!.Type == NodeType.Function)
        {
            return EvaluateFunction(expr.Rhs, input, environment, true, lhs);
        }
        var func = Evaluate(expr.Rhs, input, environment);
        if (func is not JFunction f) throw new JsonataException("T2006", expr.Position, value: func);
        if (lhs is JFunction)
        {
            var chain = (JFunction)Evaluate(ChainAst, null, environment)!;
            return Apply(chain, [lhs, f], null, environment);
        }
        return Apply(f, [lhs], null, environment);
    }

    // The common {"key": value, ...} over one item: what grouping would produce, without its dictionaries.
    private JObject ConstructSingleObject(GroupSpec expr, object? item, Frame environment)
    {
        var result = new JObject(expr.Pairs.Count);
        foreach (var (key, valueExpr) in expr.Pairs)
        {
            var value = Evaluate(valueExpr, item, environment);
            if (value != null) result[(string)key.Value!] = value;
        }

        return result;
    }

    private object? EvaluateFunction(Node expr, object? input, Frame environment, bool hasApplyTo, object? applyTo)
    {
        var proc = Evaluate(expr.Procedure!, input, environment);
        if (proc == null && expr.Procedure!.Type == NodeType.Path && environment.Lookup(expr.Procedure.Steps![0].ValueString) != null)
        {
            throw new JsonataException("T1005", expr.Position, token: expr.Procedure.Steps[0].ValueString);
        }
        var args = new List<object?>(expr.Arguments!.Count + 1);
        if (hasApplyTo) args.Add(applyTo);
        foreach (var argExpr in expr.Arguments) args.Add(Evaluate(argExpr, input, environment));
        var procName = expr.Procedure!.Type == NodeType.Path ? expr.Procedure.Steps![0].ValueString : expr.Procedure.Value as string;
        try
        {
            return Apply(proc, args, input, environment, procName, expr.Position);
        }
        catch (JsonataException ex) when (Annotate(ex, expr.Position, procName, overwrite: false))
        {
            throw;
        }
    }

    public object? Apply(object? proc, List<object?> args, object? input, Frame environment) =>
        Apply(proc, args, input, environment, null, null);

    private object? Apply(object? proc, List<object?> args, object? input, Frame environment, string? token, int? position)
    {
        var result = ApplyInner(proc, args, input, environment, token, position);
        while (result is LambdaFunction { Thunk: true } thunk)
        {
            var call = thunk.Body!;
            var next = Evaluate(call.Procedure!, thunk.Input, thunk.Environment);
            var nextToken = call.Procedure!.Type == NodeType.Variable ? call.Procedure.ValueString : null;
            var evaluatedArgs = new List<object?>(call.Arguments!.Count);
            foreach (var a in call.Arguments) evaluatedArgs.Add(Evaluate(a, thunk.Input, thunk.Environment));
            result = ApplyInner(next, evaluatedArgs, input, environment, nextToken, call.Procedure.Position);
        }
        return result;
    }

    private object? ApplyInner(object? proc, List<object?> args, object? input, Frame environment, string? token, int? position)
    {
        try
        {
            var validated = args;
            if (proc is JFunction { Signature: { } sig }) validated = sig.Validate(args, input);
            switch (proc)
            {
                case LambdaFunction lambda:
                    return ApplyProcedure(lambda, validated);
                case NativeFunction native:
                    return native.Implementation(new CallContext(this, environment, input), validated);
                case RegexMatcher matcher:
                    return validated.Count > 0 && validated[0] is string s
                        ? matcher.Exec(s, validated.Count > 1 && validated[1] is double d ? (int)d : 0)
                        : null;
                default:
                    throw new JsonataException("T1006", null);
            }
        }
        catch (JsonataException ex) when (proc is JFunction && AnnotateCall(ex, token, position))
        {
            throw;
        }
    }

    private object? ApplyProcedure(LambdaFunction proc, List<object?> args)
    {
        var env = new Frame(proc.Environment);
        for (var i = 0; i < proc.Parameters.Count; i++) env.Bind(proc.Parameters[i], i < args.Count ? args[i] : null);
        if (proc.NativeBody != null)
        {
            var nativeArgs = new List<object?>(proc.NativeBody.ParameterCount);
            for (var i = 0; i < proc.NativeBody.ParameterCount; i++) nativeArgs.Add(env.Lookup("\u0001" + i));
            while (nativeArgs.Count > 0 && nativeArgs[^1] == null) nativeArgs.RemoveAt(nativeArgs.Count - 1);
            var validated = proc.NativeBody.Signature?.Validate(nativeArgs, null) ?? nativeArgs;
            return proc.NativeBody.Implementation(new CallContext(this, env, null), validated);
        }
        return Evaluate(proc.Body!, proc.Input, env);
    }

    private static LambdaFunction EvaluateLambda(Node expr, object? input, Frame environment) => new()
    {
        Body = expr.Body,
        Input = input,
        Environment = environment,
        Parameters = expr.Arguments!.Select(a => a.ValueString).ToArray(),
        Signature = expr.Signature,
        Thunk = expr.Thunk,
    };

    private object? EvaluatePartialApplication(Node expr, object? input, Frame environment)
    {
        var args = new List<object?>();
        var placeholders = new List<bool>();
        foreach (var arg in expr.Arguments!)
        {
            if (arg.Type == NodeType.Operator && arg.ValueString == "?")
            {
                args.Add(null);
                placeholders.Add(true);
            }
            else
            {
                args.Add(Evaluate(arg, input, environment));
                placeholders.Add(false);
            }
        }
        var proc = Evaluate(expr.Procedure!, input, environment);
        if (proc == null && expr.Procedure!.Type == NodeType.Path && environment.Lookup(expr.Procedure.Steps![0].ValueString) != null)
        {
            throw new JsonataException("T1007", expr.Position, token: expr.Procedure.Steps[0].ValueString);
        }
        switch (proc)
        {
            case LambdaFunction lambda:
                return PartialApplyProcedure(lambda.Environment, lambda.Parameters, lambda.Body, lambda.NativeBody, lambda.Input, args, placeholders);
            case NativeFunction native:
            {
                var names = Enumerable.Range(0, Math.Max(native.ParameterCount, args.Count)).Select(i => "\u0001" + i).ToArray();
                var wrapper = new NativeFunction
                {
                    Name = native.Name,
                    Implementation = native.Implementation,
                    Signature = native.Signature,
                    DeclaredArity = native.DeclaredArity,
                    ParameterCount = names.Length,
                };
                return PartialApplyProcedure(environment, names, null, wrapper, null, args, placeholders);
            }
            default:
                var token = expr.Procedure!.Type == NodeType.Path ? expr.Procedure.Steps![0].ValueString : expr.Procedure.Value as string;
                throw new JsonataException("T1008", expr.Position, token: token);
        }
    }

    private static LambdaFunction PartialApplyProcedure(
        Frame procEnvironment, IReadOnlyList<string> parameters, Node? body, NativeFunction? native, object? input,
        List<object?> args, List<bool> placeholders)
    {
        var env = new Frame(procEnvironment);
        var unbound = new List<string>();
        for (var i = 0; i < parameters.Count; i++)
        {
            var isPlaceholder = i < placeholders.Count && placeholders[i];
            if (isPlaceholder) unbound.Add(parameters[i]);
            else env.Bind(parameters[i], i < args.Count ? args[i] : null);
        }
        return new LambdaFunction { Body = body, NativeBody = native, Input = input, Environment = env, Parameters = unbound };
    }

    /// <summary>Calls a function value from a built-in (the reference wraps such arguments in closures).</summary>
    public object? CallFunction(JFunction func, List<object?> args, Frame environment) => Apply(func, args, null, environment);
}
