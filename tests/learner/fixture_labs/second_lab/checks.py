from awslab.grading import check


@check("greet greets by name", points=2, hint="Put the name after 'hello, '.")
def greets(ctx):
    ctx.expect_equal(ctx.learner.greet("ada"), "hello, ada", "greet('ada')")


@check("shout shouts", points=1, hint="Capitals.")
def shouts(ctx):
    ctx.expect_equal(ctx.learner.shout("hey"), "HEY", "shout('hey')")
