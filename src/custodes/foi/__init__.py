"""Freedom of Information: the statutory clock, the UK bank-holiday table, FOI campaigns.

:mod:`custodes.foi.clock` computes due dates under FOIA 2000, FOISA 2002 and the EIR 2004 from
the shipped, dated holiday table (:mod:`custodes.foi.holidays`). Campaigns: requests as data
(:mod:`custodes.foi.request`), coded reply values and exemption citations
(:mod:`custodes.foi.values`), request states as of any moment (:mod:`custodes.foi.states`) and
findings that count refusals and silence honestly (:mod:`custodes.foi.findings`). Pure Python,
no Django.
"""
