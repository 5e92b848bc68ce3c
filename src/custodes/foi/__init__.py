"""Freedom of Information: the statutory clock, the UK bank-holiday table, FOI campaigns.

:mod:`custodes.foi.clock` computes due dates under FOIA 2000, FOISA 2002 and the EIR 2004 from
the shipped, dated holiday table (:mod:`custodes.foi.holidays`). Pure Python, no Django.
"""
