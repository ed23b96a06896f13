"""Flash attention: llama.cpp's AUTO (it probes the device) unless the user or a quantized V cache decides."""

from __future__ import annotations

from dataclasses import dataclass

# enum llama_flash_attn_type (llama.h of llama-cpp-python 0.3.36)
AUTO, DISABLED, ENABLED = -1, 0, 1
SETTINGS = ("auto", "on", "off")
NAMES = {AUTO: "auto", DISABLED: "off", ENABLED: "on"}


@dataclass(frozen=True)
class FlashChoice:
    type: int  # llama_context_params.flash_attn_type
    reason: str

    @property
    def name(self) -> str:
        return NAMES[self.type]


class FlashConflict(ValueError):
    """``--flash-attn off`` with a quantized KV cache: llama.cpp refuses that context."""


def normalize(setting: str | bool | None) -> str:
    """"auto"/"on"/"off" from a setting that may be a bool (True: on) or None (auto)."""
    if setting is None:
        return "auto"
    if isinstance(setting, bool):
        return "on" if setting else "off"
    return str(setting).strip().lower()


def choose_flash_attn(setting: str | bool | None, kv_type: str) -> FlashChoice:
    """The flash attention type for a context; a quantized V cache needs it enabled."""
    setting = normalize(setting)
    if setting not in SETTINGS:
        raise ValueError(f"flash attention must be one of {', '.join(SETTINGS)} (got {setting!r})")
    quantized_v = kv_type != "f16"
    if setting == "off":
        if quantized_v:
            raise FlashConflict(f"--flash-attn off cannot be used with a {kv_type} KV cache (a quantized V cache "
                                "needs flash attention); use --kv-type f16 or --flash-attn auto")
        return FlashChoice(DISABLED, "off (--flash-attn off)")
    if setting == "on":
        return FlashChoice(ENABLED, "on (--flash-attn on)")
    if quantized_v:
        return FlashChoice(ENABLED, f"on (the {kv_type} V cache needs it)")
    return FlashChoice(AUTO, "auto (llama.cpp decides per device)")
