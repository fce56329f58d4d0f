package io.xqbus.internal.filter;

import java.util.ArrayDeque;
import java.util.Deque;

import net.sf.saxon.expr.DynamicFunctionCall;
import net.sf.saxon.expr.Expression;
import net.sf.saxon.expr.ForExpression;
import net.sf.saxon.expr.Operand;
import net.sf.saxon.expr.RangeExpression;
import net.sf.saxon.expr.SystemFunctionCall;
import net.sf.saxon.expr.UserFunctionCall;
import net.sf.saxon.expr.flwor.FLWORExpression;
import net.sf.saxon.expr.instruct.GlobalParam;
import net.sf.saxon.expr.instruct.GlobalVariable;
import net.sf.saxon.functions.RegexFunction;
import net.sf.saxon.functions.Sort_1;
import net.sf.saxon.s9api.XQueryExecutable;

/**
 * Decides at compile time whether a filter can run long: one that calls a user function (recursion),
 * iterates (FLWOR, {@code for}, ranges), calls functions dynamically or higher-order, sorts, or uses regular
 * expressions (catastrophic backtracking on hostile text) runs under a time limit on a guard thread; a plain
 * path with predicates — nearly every real filter — runs inline at full speed. Internal.
 */
public final class FilterAnalysis {

    private FilterAnalysis() {
    }

    /** Whether the compiled query needs the time limit. */
    public static boolean needsGuard(XQueryExecutable exec) {
        var query = exec.getUnderlyingCompiledQuery();
        for (var it = query.getMainModule().getModuleVariables(); it.hasNext(); ) {
            GlobalVariable v = it.next();
            if (!(v instanceof GlobalParam) || v.getBody() != null && risky(v.getBody())) {
                return true;
            }
        }
        return risky(query.getExpression());
    }

    private static boolean risky(Expression root) {
        Deque<Expression> todo = new ArrayDeque<>();
        todo.push(root);
        while (!todo.isEmpty()) {
            Expression e = todo.pop();
            if (e instanceof UserFunctionCall || e instanceof ForExpression || e instanceof FLWORExpression
                    || e instanceof RangeExpression || e instanceof DynamicFunctionCall) {
                return true;
            }
            if (e instanceof SystemFunctionCall call) {
                Object f = call.getTargetFunction();
                if (f instanceof RegexFunction || f instanceof Sort_1
                        || f.getClass().getPackageName().equals("net.sf.saxon.functions.hof")) {
                    return true;
                }
            }
            for (Operand o : e.operands()) {
                todo.push(o.getChildExpression());
            }
        }
        return false;
    }
}
