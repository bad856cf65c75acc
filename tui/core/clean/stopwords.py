"""Small stopword lists (function words) used to tell prose from furniture."""

STOPWORDS = frozenset(
    # English
    """a about above after again against all also am an and any are as at be because been
    before being below between both but by can could did do does doing down during each few
    for from further had has have having he her here hers herself him himself his how i if in
    into is it its itself just me more most my myself no nor not now of off on once only or
    other our ours ourselves out over own same she should so some such than that the their
    theirs them themselves then there these they this those through to too under until up
    very was we were what when where which while who whom why will with would you your yours
    yourself yourselves said says may might must shall while since though although whether
    which however also even still yet ago who's it's that's there's they're we're i'm don't
    didn't doesn't isn't wasn't aren't weren't won't can't couldn't wouldn't shouldn't
    """
    # German
    """der die das und ist nicht ein eine einer eines dem den des zu mit sich auf für von im
    auch es an als wie bei nach wird sind hat war wurde noch aus oder aber wenn nur so dass
    """
    # French
    """le la les et est une un des du de en que qui dans pour pas sur au aux avec ce cette il
    elle ils sont ont été par plus ne se son sa ses mais ou comme leur nous vous
    """
    # Spanish / Portuguese / Italian
    """el los las y es un una del que en por con para no se su sus al lo como más pero fue
    ha son este esta o os as um uma não com para seu sua mas foi il di che è per non della
    gli nel alla sono anche ma da
    """
    # Indonesian / Malay, Dutch
    """yang dan di ke dari ini itu dengan untuk tidak dalam akan pada juga ada adalah atau
    karena oleh sebagai bisa kita kami mereka saya dia het een en van ik te dat die zijn
    voor met op niet aan er maar om ook als bij nog wel naar
    """
    # Russian
    """и в не на что с по как а то это из у за от так же к но для о его все она он они мы
    был была были бы уже только еще ещё если или при до вы ее её их""".split()
)
