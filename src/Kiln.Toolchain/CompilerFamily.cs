namespace Kiln.Toolchain;

/// <summary>The compiler family, recognised from the output of <c>--version</c>.</summary>
public enum CompilerFamily
{
    /// <summary>Not recognised; treated like gcc where a choice is needed.</summary>
    Unknown,

    /// <summary>GNU gcc/g++.</summary>
    Gcc,

    /// <summary>LLVM clang/clang++.</summary>
    Clang,
}
