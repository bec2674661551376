"""The fixed 9-D cliff test function of the GP benchmark (same definition as gp_cliff_function.ts).

z = 1.5*u0 + u1 - 0.8*u2 + 0.5*sin(pi*u3) - 1.2
f(u) = tanh(12*z) + 0.4*sin(2*pi*u4)*u5 + 0.3*(u6 - 0.5)**2 + 0.2*u7*u8
"""
import numpy as np


def cliff9(u: np.ndarray) -> np.ndarray:
    """f for each row of u (n x 9)."""
    z = 1.5 * u[:, 0] + u[:, 1] - 0.8 * u[:, 2] + 0.5 * np.sin(np.pi * u[:, 3]) - 1.2
    return (np.tanh(12 * z) + 0.4 * np.sin(2 * np.pi * u[:, 4]) * u[:, 5]
            + 0.3 * (u[:, 6] - 0.5) ** 2 + 0.2 * u[:, 7] * u[:, 8])
