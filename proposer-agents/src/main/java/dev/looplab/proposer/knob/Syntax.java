package dev.looplab.proposer.knob;

/** The language a recipe's knob lines are written in, which decides how a new value is spelled. */
public enum Syntax {
    /** {@code static final float LR = 1e-2f; // @knob surface=optimizer range=[1e-4,3e-2]} */
    JAVA,
    /** {@code MATRIX_LR = 0.04  # @knob surface=optimizer range=[0.005,0.1]} */
    PYTHON
}
