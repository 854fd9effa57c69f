namespace Kiln.Tools;

/// <summary>A tool class is declared wrongly, or an execution parameter has a value that is not fundamental.</summary>
public sealed class ToolDefinitionException : Exception
{
    /// <summary>Creates the error for <paramref name="toolType"/>.</summary>
    public ToolDefinitionException(Type toolType, string problem)
        : base($"invalid tool class '{toolType?.Name}': {problem}")
    {
        ToolType = toolType!;
    }

    /// <summary>The tool class.</summary>
    public Type ToolType { get; }
}
