package io.xqbus.internal.filter;

import net.sf.saxon.expr.parser.ExpressionTool;
import net.sf.saxon.s9api.XdmValue;
import net.sf.saxon.trans.XPathException;

/**
 * The match rule of brief §4: a filter matches when the effective boolean value of its result is true,
 * exactly as the lineage's XML exchange decided. Two or more atomic values, a map or a function have no
 * effective boolean value: that is the dynamic error FORG0006. Internal.
 */
public final class EffectiveBoolean {

    private EffectiveBoolean() {
    }

    /**
     * The effective boolean value of a query result.
     *
     * @throws XPathException FORG0006 when it is undefined
     */
    public static boolean of(XdmValue result) throws XPathException {
        return ExpressionTool.effectiveBooleanValue(result.getUnderlyingValue().iterate());
    }
}
