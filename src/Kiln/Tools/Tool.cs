namespace Kiln.Tools;

/// <summary>
/// A tool: a class whose public properties declare dependency roles (<see cref="Input"/>,
/// <see cref="Output"/>) and execution parameters (<see cref="ExecutionParameterAttribute"/>), and whose redo
/// creates the outputs from the inputs. An instance with concrete dependencies is a tool instance; it does
/// nothing until started in an active context. Derive from <see cref="Tool{TSelf}"/>.
/// </summary>
public abstract class Tool
{
    private protected Tool()
    {
    }

    /// <summary>Runs the redo on <paramref name="result"/>, a copy of this instance that receives non-explicit values.</summary>
    internal abstract Task<bool> InvokeRedoAsync(Tool result, RedoContext context);

    /// <summary>A shallow copy that a redo may complete with non-explicit values.</summary>
    internal Tool CopyForResult() => (Tool)MemberwiseClone();

    /// <summary><c>ClassName(Role='value', …)</c> with the explicit dependencies (execution parameters are left out to keep it short).</summary>
    public override string ToString() => ToolDescriptor.For(GetType()).Describe(this);
}

/// <summary>
/// Base class of tools. <typeparamref name="TSelf"/> is the deriving class itself, so that
/// <see cref="RedoAsync"/> receives a typed result.
/// </summary>
/// <example>
/// <code>
/// public sealed class Replacer : Tool&lt;Replacer&gt;
/// {
///     [ExecutionParameter] public string Pattern { get; init; } = "xxx";
///     [Input.RegularFile] public required TreePath TemplateFile { get; init; }
///     [Output.RegularFile] public required TreePath OutputFile { get; init; }
///
///     protected override async Task&lt;bool&gt; RedoAsync(Replacer result, RedoContext context)
///     {
///         var text = await File.ReadAllTextAsync(context.NativePathOf(TemplateFile));
///         using var t = context.Temporary();
///         await File.WriteAllTextAsync(context.NativePathOf(t.Path), text.Replace(Pattern, "hello"));
///         context.ReplaceOutput(OutputFile, t.Path);
///         return false;
///     }
/// }
/// </code>
/// </example>
// RS0022: Tool's constructor is private protected so that Tool<TSelf> is the only way to derive a tool; exposing Tool's
// protected members to the subclasses of Tool<TSelf> is the purpose, not a leak.
#pragma warning disable RS0022
public abstract class Tool<TSelf> : Tool where TSelf : Tool<TSelf>
#pragma warning restore RS0022
{
    /// <summary>
    /// Creates every explicit output from the inputs and assigns every required non-explicit role on
    /// <paramref name="result"/> (e.g. <c>result.IncludedFiles = …</c>).
    /// </summary>
    /// <returns><c>true</c> to request another redo in the next run.</returns>
    protected abstract Task<bool> RedoAsync(TSelf result, RedoContext context);

    internal sealed override Task<bool> InvokeRedoAsync(Tool result, RedoContext context) => RedoAsync((TSelf)result, context);
}
