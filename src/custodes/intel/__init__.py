"""Vendor intelligence: a sourced, dated knowledge base of manufacturers and a resolver.

``Resolver.resolve`` turns messy text ("HIK VISION DS-2CD2143G0-I dome", "Ezviz C6N", a MAC
address) into the manufacturer, brand, model, device kind and the concerns that apply.
"""

from custodes.intel._errors import (
    IntelError,
    KevImportError,
    KnowledgeDataError,
    UnknownManufacturerError,
)
from custodes.intel._knowledge import KnowledgeBase, load_knowledge
from custodes.intel._model import (
    Brand,
    Concern,
    Integrator,
    Manufacturer,
    ModelPattern,
    OemLink,
    Ownership,
    ProductLine,
    Resolution,
)
from custodes.intel._resolver import Resolver, default_resolver

__all__ = [
    "Brand",
    "Concern",
    "Integrator",
    "IntelError",
    "KevImportError",
    "KnowledgeBase",
    "KnowledgeDataError",
    "Manufacturer",
    "ModelPattern",
    "OemLink",
    "Ownership",
    "ProductLine",
    "Resolution",
    "Resolver",
    "UnknownManufacturerError",
    "default_resolver",
    "load_knowledge",
]
